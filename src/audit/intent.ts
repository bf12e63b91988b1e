import type { Config } from '../config/index.js';
import { vaultKeyRegions } from '../config/plan.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../config/names.js';
import { resolve, type IntrinsicContext } from '../proof/intrinsics.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation and IAM documents are untyped JSON. */
type Json = any;

/** A CloudFormation template, as far as the audit reads it. */
export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, Json> }>;
}

/** The templates whose policies the audit holds the live accounts to. */
export interface IntendedTemplates {
  vault: Template;
  restore: Template;
  /** The vault key stacks of the regions other than the vault region, by region. */
  vaultKeys: Record<string, Template>;
}

/** Key ARNs by region, then by alias. */
export type KeyArns = Record<string, Record<string, string>>;

/** What the templates say, resolved as deployed: every region's vault key policy and the restore role. */
export interface Intent {
  /** By region: each region `vaultKeyRegions` names has its own vault key; absent where no template holds one. */
  vaultKeyPolicies: Record<string, Json>;
  /** The catalog key of the vault region (the vault template's key behind the catalog alias). */
  catalogKey: { alias: string; policy: Json } | undefined;
  restoreRole: { trust: Json; policies: Record<string, Json>; managedPolicies: string[] } | undefined;
}

/**
 * Resolves the templates' policies for the accounts and regions they deploy to. A key's ARN is only known once
 * it exists, so keys are resolved by their alias to the live ARN of their region (`keyArns`); a key with no live
 * counterpart keeps a placeholder ARN that can match nothing, so a policy naming it reads as changed.
 */
export function intentFromTemplates(config: Config, templates: IntendedTemplates, keyArns: KeyArns): Intent {
  const { vault } = config.organizations;
  const home = config.vault.region;
  const restoreCtx = context(templates.restore, vault.restoreAccount, home, keyArns[home] ?? {});
  const vaultAlias = RESOURCE_NAMES.vaultKeyAlias(config);
  const vaultKeyPolicies: Record<string, Json> = {};
  for (const region of vaultKeyRegions(config)) {
    const template = region === home ? templates.vault : templates.vaultKeys[region];
    if (!template) continue;
    const keyId = aliasTargets(template)[vaultAlias];
    const key = keyId ? template.Resources?.[keyId] : undefined;
    if (key)
      vaultKeyPolicies[region] = resolve(
        key.Properties?.['KeyPolicy'],
        context(template, vault.vaultAccount, region, keyArns[region] ?? {}),
      );
  }
  const catalogAlias = RESOURCE_NAMES.catalogKeyAlias(config);
  const catalogKeyId = aliasTargets(templates.vault)[catalogAlias];
  const catalogKey = catalogKeyId ? templates.vault.Resources?.[catalogKeyId] : undefined;
  const role = Object.values(templates.restore.Resources ?? {}).find(
    (r) => r.Type === 'AWS::IAM::Role' && r.Properties?.['RoleName'] === ROLE_NAMES.restore,
  );
  return {
    vaultKeyPolicies,
    catalogKey: catalogKey && {
      alias: catalogAlias,
      policy: resolve(
        catalogKey.Properties?.['KeyPolicy'],
        context(templates.vault, vault.vaultAccount, home, keyArns[home] ?? {}),
      ),
    },
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
