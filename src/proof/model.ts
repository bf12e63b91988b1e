import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountsByRole, protectedBuckets, type Config } from '../config/index.js';
import type { Guardrail, PolicyDocument } from '../infra/guardrails/policies.js';
import type { StackInstance } from '../infra/app.js';
import { readManifest } from '../infra/manifest.js';
import { resolve, type IntrinsicContext } from './intrinsics.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation and IAM documents are untyped JSON. */
export type Policy = any;

export interface VaultResource {
  kind: 'bucket' | 'key' | 'table' | 'backup-vault';
  arn: string;
  account: string;
  name: string;
  policy?: Policy;
  /** A key's alias, as the template's AWS::KMS::Alias names it. */
  alias?: string;
  /** Object Lock of a bucket as the template declares it. */
  objectLock?: { mode: string; days: number } | null;
  vaultLock?: { minDays?: number; maxDays?: number; changeableForDays?: number } | null;
}

export interface ModelRole {
  arn: string;
  account: string;
  name: string;
  organization: 'source' | 'vault';
  policies: { name: string; policy: Policy }[];
  trust: Policy;
}

/** Everything the proof evaluates, read from what `airgap synth` wrote; mutable so tests can weaken it. */
export interface ProofModel {
  config: Config;
  resources: VaultResource[];
  roles: ModelRole[];
  guardrails: {
    organization: 'source' | 'vault';
    kind: 'SCP' | 'RCP';
    name: string;
    document: PolicyDocument;
  }[];
}

interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Condition?: string }>;
  Mappings?: IntrinsicContext['mappings'];
  Parameters?: Record<string, { Type: string }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/**
 * The vault account's first resource of a kind (the vault key, a vault bucket): the log archive and restore
 * accounts hold keys and locked buckets too, and the manifest deploys the log archive first. A bucket is one that
 * receives a protected bucket, not the drill's evidence bucket beside them.
 */
export function vaultResource(model: ProofModel, kind: VaultResource['kind']): VaultResource | undefined {
  const account = model.config.organizations.vault.vaultAccount;
  const vaultBuckets = new Set(protectedBuckets(model.config).map((b) => b.vaultBucket));
  return model.resources.find(
    (r) => r.kind === kind && r.account === account && (kind !== 'bucket' || vaultBuckets.has(r.name)),
  );
}

/** Reads the templates and guardrails of a synth output folder into the proof model. */
export function loadModel(config: Config, dir: string): ProofModel {
  const manifest = readManifest(dir);
  const model: ProofModel = { config, resources: [], roles: [], guardrails: [] };
  const orgOf = new Map(accountsByRole(config).map((a) => [a.id, a.organization]));
  const loading: Loading = { exports: {}, rolesOf: new Map() };
  for (const entry of manifest.templates) {
    const template = JSON.parse(readFileSync(join(dir, entry.file), 'utf8')) as Template;
    // The workload template is one StackSet: it is evaluated as deployed in every workload account.
    for (const instance of entry.instances) {
      readTemplate(model, template, instance, orgOf.get(instance.account) ?? 'source', loading);
    }
  }
  for (const g of manifest.guardrails) {
    model.guardrails.push({
      organization: g.organization as Guardrail['organization'],
      kind: g.kind as Guardrail['kind'],
      name: g.name,
      document: JSON.parse(readFileSync(join(dir, g.file), 'utf8')) as PolicyDocument,
    });
  }
  return model;
}

/** What reading one template leaves for the next ones. */
interface Loading {
  /** Exports of the stacks read so far, for Fn::ImportValue. */
  exports: Record<string, unknown>;
  /** The model's roles by account: a policy attaches to roles of its own account (500 accounts: 4,000 roles). */
  rolesOf: Map<string, ModelRole[]>;
}

function readTemplate(
  model: ProofModel,
  template: Template,
  instance: StackInstance,
  org: 'source' | 'vault',
  { exports, rolesOf }: Loading,
): void {
  const { account, region } = instance;
  const resources = template.Resources ?? {};
  const refs: IntrinsicContext['refs'] = {};
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const named = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : id);
    switch (r.Type) {
      case 'AWS::S3::Bucket':
        refs[id] = { ref: named('BucketName'), arn: `arn:aws:s3:::${named('BucketName')}` };
        break;
      case 'AWS::KMS::Key':
        refs[id] = { ref: id, arn: `arn:aws:kms:${region}:${account}:key/${id}` };
        break;
      case 'AWS::IAM::Role':
        refs[id] = { ref: named('RoleName'), arn: `arn:aws:iam::${account}:role/${named('RoleName')}` };
        break;
      case 'AWS::DynamoDB::GlobalTable':
      case 'AWS::DynamoDB::Table':
        refs[id] = {
          ref: named('TableName'),
          arn: `arn:aws:dynamodb:${region}:${account}:table/${named('TableName')}`,
        };
        break;
      case 'AWS::Backup::BackupVault':
      case 'AWS::Backup::LogicallyAirGappedBackupVault':
        refs[id] = {
          ref: named('BackupVaultName'),
          arn: `arn:aws:backup:${region}:${account}:backup-vault:${named('BackupVaultName')}`,
        };
        break;
      default:
        refs[id] = { ref: id, arn: `arn:aws:cloudformation:${region}:${account}:resource/${id}` };
    }
  }
  const parameters: IntrinsicContext['parameters'] = {};
  for (const [name, p] of Object.entries(template.Parameters ?? {})) {
    const value = instance.parameters[name];
    if (value === undefined) continue;
    parameters[name] =
      p.Type.startsWith('List<') || p.Type === 'CommaDelimitedList' ? value.split(',') : value;
  }
  const ctx: IntrinsicContext = {
    account,
    region,
    refs,
    mappings: template.Mappings ?? {},
    parameters,
    exports,
  };
  for (const output of Object.values(template.Outputs ?? {})) {
    if (output.Export) exports[String(resolve(output.Export.Name, ctx))] = resolve(output.Value, ctx);
  }
  const policiesOf = new Map<string, Policy>();
  const aliasOf = new Map<string, string>();
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::S3::BucketPolicy') {
      const bucket = resolve(r.Properties!['Bucket'], ctx) as string;
      policiesOf.set(`bucket:${bucket}`, resolve(r.Properties!['PolicyDocument'], ctx));
    }
    if (r.Type === 'AWS::KMS::Alias') {
      const key = resolve(r.Properties!['TargetKeyId'], ctx) as string;
      aliasOf.set(key, resolve(r.Properties!['AliasName'], ctx) as string);
    }
  }
  const shares: Record<string, unknown>[] = [];
  const attached: { roles: string[]; name: string; policy: Policy }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::S3::Bucket' && p['ObjectLockEnabled']) {
      const rule = (
        p['ObjectLockConfiguration'] as
          { Rule?: { DefaultRetention?: { Mode: string; Days: number } } } | undefined
      )?.Rule?.DefaultRetention;
      model.resources.push({
        kind: 'bucket',
        arn: refs[id]!.arn,
        account,
        name: refs[id]!.ref,
        policy: policiesOf.get(`bucket:${refs[id]!.ref}`),
        objectLock: rule ? { mode: rule.Mode, days: rule.Days } : null,
      });
    } else if (r.Type === 'AWS::KMS::Key' && org === 'vault' && refs[id]) {
      model.resources.push({
        kind: 'key',
        arn: refs[id].arn,
        account,
        name: id,
        policy: resolve(p['KeyPolicy'], ctx),
        alias: aliasOf.get(refs[id].arn),
      });
    } else if (r.Type.startsWith('AWS::DynamoDB::')) {
      model.resources.push({ kind: 'table', arn: refs[id]!.arn, account, name: refs[id]!.ref });
    } else if (
      r.Type === 'AWS::Backup::LogicallyAirGappedBackupVault' ||
      (r.Type.startsWith('AWS::Backup::') && r.Type.endsWith('Vault') && org === 'vault')
    ) {
      // Claimed to survive: the vault organization's vaults, and the logically air-gapped vault, which lives in a
      // source account (AWS Backup copies only within one organization) but is compliance-locked from creation,
      // its recovery points held by AWS Backup; the local and backup-account layers are not claimed.
      const lock = (
        r.Type === 'AWS::Backup::LogicallyAirGappedBackupVault'
          ? { ...p, ChangeableForDays: 0 }
          : p['LockConfiguration']
      ) as { MinRetentionDays?: number; MaxRetentionDays?: number; ChangeableForDays?: number } | undefined;
      model.resources.push({
        kind: 'backup-vault',
        arn: refs[id]!.arn,
        account,
        name: refs[id]!.ref,
        policy: p['AccessPolicy'] ? resolve(p['AccessPolicy'], ctx) : undefined,
        vaultLock: lock
          ? {
              minDays: lock.MinRetentionDays,
              maxDays: lock.MaxRetentionDays,
              changeableForDays: lock.ChangeableForDays,
            }
          : null,
      });
    } else if (r.Type === 'AWS::RAM::ResourceShare') {
      shares.push(p);
    } else if (r.Type === 'AWS::IAM::Policy') {
      // A policy attached to roles (CDK's DefaultPolicy of every `addToPrincipalPolicy`): part of their identity.
      attached.push({
        roles: resolve(p['Roles'] ?? [], ctx) as string[],
        name: p['PolicyName'] as string,
        policy: resolve(p['PolicyDocument'], ctx),
      });
    } else if (r.Type === 'AWS::IAM::Role') {
      const policies = (
        (p['Policies'] as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []
      ).map((x) => ({
        name: x.PolicyName,
        policy: resolve(x.PolicyDocument, ctx),
      }));
      const role: ModelRole = {
        arn: refs[id]!.arn,
        account,
        name: refs[id]!.ref,
        organization: org,
        policies,
        trust: resolve(p['AssumeRolePolicyDocument'], ctx),
      };
      model.roles.push(role);
      if (!rolesOf.has(account)) rolesOf.set(account, []);
      rolesOf.get(account)!.push(role);
    }
  }
  for (const a of attached)
    for (const role of (rolesOf.get(account) ?? []).filter((r) => a.roles.includes(r.name)))
      role.policies.push({ name: a.name, policy: a.policy });
  for (const share of shares) shareVault(model, share, ctx);
}

/**
 * What AWS RAM's managed permission for a shared backup vault lets the accounts it is shared with do: find the
 * vault and its recovery points and restore from them. The share is a resource-side grant the vault access
 * policy does not show, so it is added to that policy as the statement it amounts to; the access policy's
 * denials still apply.
 */
export const RAM_BACKUP_VAULT_ACTIONS = [
  'backup:DescribeBackupVault',
  'backup:DescribeRecoveryPoint',
  'backup:GetRecoveryPointRestoreMetadata',
  'backup:ListRecoveryPointsByBackupVault',
  'backup:StartRestoreJob',
];

function shareVault(model: ProofModel, share: Record<string, unknown>, ctx: IntrinsicContext): void {
  const arns = resolve(share['ResourceArns'] ?? [], ctx) as string[];
  const accounts = resolve(share['Principals'] ?? [], ctx) as string[];
  // An organization or OU as principal would widen the share beyond accounts the proof names.
  const other = accounts.find((a) => !/^\d{12}$/.test(a));
  if (other) throw new Error(`RAM share to ${other} is not modelled: the proof reads shares with accounts`);
  for (const vault of model.resources.filter((r) => r.kind === 'backup-vault' && arns.includes(r.arn))) {
    vault.policy = {
      Version: '2012-10-17',
      ...vault.policy,
      Statement: [
        ...((vault.policy?.Statement as unknown[] | undefined) ?? []),
        {
          Sid: `RamShare${String(resolve(share['Name'], ctx)).replace(/[^A-Za-z0-9]/g, '')}`,
          Effect: 'Allow',
          Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
          Action: RAM_BACKUP_VAULT_ACTIONS,
          Resource: '*',
        },
      ],
    };
  }
}
