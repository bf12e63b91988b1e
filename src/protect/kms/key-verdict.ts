/**
 * Whether the vault account can copy a snapshot encrypted under a key, judged from the key's facts (pure).
 * The most common failure of cross-account snapshot vaulting is a snapshot under an AWS-managed key
 * (aws/rds, aws/ebs): AWS refuses to share those, and their policies cannot be changed. Every verdict but
 * `shareable` carries the one change that fixes it.
 */
export interface KeyFacts {
  arn: string;
  /** AWS for AWS-managed keys; the aliases tell too, and moto only sets the aliases. */
  manager: 'AWS' | 'CUSTOMER' | undefined;
  aliases: string[];
  state: string | undefined;
  /** The key policy document (JSON text), when the caller may read it. */
  policy: string | undefined;
}

export type KeyVerdict =
  | { kind: 'share-key' | 'grants-vault' }
  | { kind: 'unencrypted' | 'aws-managed' | 'not-granted' | 'unusable' | 'unreadable'; problem: string };

export const isShareable = (v: KeyVerdict) => v.kind === 'share-key' || v.kind === 'grants-vault';

export function judgeKey(
  facts: KeyFacts | undefined,
  ctx: {
    encrypted: boolean;
    keyId: string | undefined;
    shareKeyArn: string | undefined;
    vaultAccount: string;
  },
): KeyVerdict {
  if (!ctx.encrypted) return { kind: 'unencrypted', problem: 'is not encrypted' };
  if (!facts)
    return {
      kind: 'unreadable',
      problem: `is encrypted with ${ctx.keyId ?? 'an unknown key'}, which this account cannot describe`,
    };
  if (facts.arn === ctx.shareKeyArn) return { kind: 'share-key' };
  const awsAlias = facts.aliases.find((a) => a.startsWith('alias/aws/'));
  if (facts.manager === 'AWS' || awsAlias)
    return {
      kind: 'aws-managed',
      problem: `is encrypted with the AWS-managed key ${awsAlias ?? facts.arn}, which AWS does not let you share`,
    };
  if (facts.state && facts.state !== 'Enabled')
    return { kind: 'unusable', problem: `is encrypted with ${facts.arn}, which is ${facts.state}` };
  if (!facts.policy || !grantsVault(facts.policy, ctx.vaultAccount))
    return {
      kind: 'not-granted',
      problem: `is encrypted with ${facts.arn}, whose key policy does not allow account ${ctx.vaultAccount} kms:Decrypt and kms:CreateGrant`,
    };
  return { kind: 'grants-vault' };
}

interface Statement {
  Effect?: string;
  Principal?: string | { AWS?: string | string[] };
  Action?: string | string[];
}

/**
 * True when an Allow statement names the vault account (its root or a role in it) for both kms:Decrypt and
 * kms:CreateGrant, the two calls a cross-account snapshot copy makes. Conditions are not evaluated: the
 * source stack's share key limits them to RDS and EC2 (kms:ViaService), which is what the copy uses.
 */
export function grantsVault(policy: string, vaultAccount: string): boolean {
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = JSON.parse(policy) as typeof doc;
  } catch {
    return false;
  }
  const statements = [doc.Statement ?? []].flat();
  const list = (v: string | string[] | undefined) => [v ?? []].flat();
  const allowed = new Set<string>();
  for (const s of statements) {
    if (s.Effect !== 'Allow' || typeof s.Principal !== 'object') continue;
    const principals = list(s.Principal.AWS);
    const names = (p: string) => p === vaultAccount || p.startsWith(`arn:aws:iam::${vaultAccount}:`);
    if (!principals.some(names)) continue;
    for (const action of list(s.Action))
      for (const wanted of ['kms:Decrypt', 'kms:CreateGrant'])
        if (matches(action, wanted)) allowed.add(wanted);
  }
  return allowed.size === 2;
}

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}
