import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import type { AwsClients } from '../../aws/clients.js';
import type { KeyFacts } from './key-verdict.js';

const NOT_READABLE = new Set(['NotFoundException', 'AccessDeniedException', 'AccessDenied']);

/** What KMS says about a key, read in the account that uses it; undefined when that account cannot describe it. */
export async function readKeyFacts(
  clients: AwsClients,
  account: string,
  region: string,
  keyId: string,
): Promise<KeyFacts | undefined> {
  const kms = clients.for(KMSClient, account, region);
  const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId })).catch((e: unknown) => {
    if (NOT_READABLE.has((e as Error).name)) return undefined;
    throw e;
  });
  const meta = described?.KeyMetadata;
  if (!meta?.Arn || !meta.KeyId) return undefined;
  const aliases = await kms.send(new ListAliasesCommand({ KeyId: meta.KeyId }));
  // AWS-managed keys and keys of other accounts do not hand out their policy: that is not an error here.
  const policy = await kms
    .send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' }))
    .then((p) => p.Policy)
    .catch((e: unknown) => {
      if (NOT_READABLE.has((e as Error).name)) return undefined;
      throw e;
    });
  return {
    arn: meta.Arn,
    manager: meta.KeyManager,
    aliases: (aliases.Aliases ?? []).map((a) => a.AliasName ?? '').filter(Boolean),
    state: meta.KeyState,
    policy,
  };
}

/** The ARN behind an alias, or undefined when the alias does not exist in that account and region. */
export async function keyArnOf(
  clients: AwsClients,
  account: string,
  region: string,
  alias: string,
): Promise<string | undefined> {
  const out = await clients
    .for(KMSClient, account, region)
    .send(new DescribeKeyCommand({ KeyId: alias }))
    .catch((e: unknown) => {
      if (NOT_READABLE.has((e as Error).name)) return undefined;
      throw e;
    });
  return out?.KeyMetadata?.Arn;
}
