import type { Config } from '../config/index.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../config/names.js';
import { resolve, type IntrinsicContext } from '../proof/intrinsics.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation and IAM documents are untyped JSON. */
type Json = any;

/** A CloudFormation template, as far as the audit reads it. */
export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, Json> }>;
}

/** The two templates whose policies the audit holds the live accounts to. */
export interface IntendedTemplates {
  vault: Template;
  restore: Template;
}

/** What the templates say, resolved as deployed: the vault key policy and the restore role. */
export interface Intent {
  vaultKeyPolicy: Json | undefined;
  restoreRole: { trust: Json; policies: Record<string, Json>; managedPolicies: string[] } | undefined;
}

/**
 * Resolves the templates' policies for the accounts they deploy to. A key's ARN is only known once it exists,
 * so keys are resolved by their alias to the live ARN (`keyArns`, alias -> ARN); a key with no live
 * counterpart keeps a placeholder ARN that can match nothing, so a policy naming it reads as changed.
 */
export function intentFromTemplates(
  config: Config,
  templates: IntendedTemplates,
  keyArns: Record<string, string>,
): Intent {
  const { vault } = config.organizations;
  const vaultCtx = context(templates.vault, vault.vaultAccount, config.vault.region, keyArns);
  const restoreCtx = context(templates.restore, vault.restoreAccount, config.vault.region, keyArns);
  const vaultAlias = RESOURCE_NAMES.vaultKeyAlias(config);
  const keyId = aliasTargets(templates.vault)[vaultAlias];
  const key = keyId ? templates.vault.Resources?.[keyId] : undefined;
  const role = Object.values(templates.restore.Resources ?? {}).find(
    (r) => r.Type === 'AWS::IAM::Role' && r.Properties?.['RoleName'] === ROLE_NAMES.restore,
  );
  return {
    vaultKeyPolicy: key ? resolve(key.Properties?.['KeyPolicy'], vaultCtx) : undefined,
    restoreRole: role && {
      trust: resolve(role.Properties?.['AssumeRolePolicyDocument'], restoreCtx),
      policies: Object.fromEntries(
        ((role.Properties?.['Policies'] as Json[] | undefined) ?? []).map((p) => [
          p.PolicyName,
          resolve(p.PolicyDocument, restoreCtx),
        ]),
      ),
      managedPolicies: resolve(role.Properties?.['ManagedPolicyArns'] ?? [], restoreCtx) as string[],
    },
  };
}

/** Alias name -> logical id of the key it targets. */
function aliasTargets(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of Object.values(template.Resources ?? {})) {
    if (r.Type !== 'AWS::KMS::Alias') continue;
    const target = r.Properties?.['TargetKeyId'];
    const id: unknown = target?.['Fn::GetAtt']?.[0] ?? target?.Ref;
    if (typeof id === 'string') out[String(r.Properties?.['AliasName'])] = id;
  }
  return out;
}

function context(
  template: Template,
  account: string,
  region: string,
  keyArns: Record<string, string>,
): IntrinsicContext {
  const keyOf = Object.fromEntries(Object.entries(aliasTargets(template)).map(([alias, id]) => [id, alias]));
  const refs: IntrinsicContext['refs'] = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const name = r.Properties?.['RoleName'] ?? r.Properties?.['BucketName'] ?? id;
    if (r.Type === 'AWS::KMS::Key') {
      const arn = keyArns[keyOf[id] ?? ''] ?? `arn:aws:kms:${region}:${account}:key/not-deployed-${id}`;
      refs[id] = { ref: arn.split('/').pop()!, arn };
    } else if (r.Type === 'AWS::IAM::Role')
      refs[id] = { ref: name, arn: `arn:aws:iam::${account}:role/${name}` };
    else refs[id] = { ref: name, arn: `arn:aws:cloudformation:${region}:${account}:resource/${id}` };
  }
  return { account, region, refs, mappings: {}, parameters: {}, exports: {} };
}
