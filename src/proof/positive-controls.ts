import { RESOURCE_NAMES, ROLE_NAMES, protectedBuckets } from '../config/index.js';
import { authorize } from './evaluate.js';
import { vaultResource, type ProofModel } from './model.js';
import type { PolicyMemo } from './policy-memo.js';
import type { Principal } from './principals.js';

export interface ControlResult {
  name: string;
  passed: boolean;
  detail: string;
}

/** One legitimate call that must be allowed, by a principal found among those the proof judges. */
interface Flow {
  name: string;
  /** The principal's ARN; `missing` explains a control that cannot run because the templates lack it. */
  arn: string;
  missing: string;
  request: Parameters<typeof authorize>[2];
  mode: 'Strict' | 'Discovery';
  /** Identity grants the model does not hold (an AWS managed policy), as the statements they amount to. */
  managed?: { name: string; policy: unknown };
  note?: string;
}

/**
 * The legitimate flows must be allowed, or a proof in which everything is denied proves nothing: replication
 * into every vault bucket of the accounts evaluated in full (a grouped account's are its representative's),
 * the copier's vault copies under the vault key, restores from the vault bucket and from the air-gapped vault,
 * and AWS Backup copies into the air-gapped vault.
 */
export async function positiveControls(
  model: ProofModel,
  who: Principal[],
  accounts: Set<string>,
  memo: PolicyMemo,
): Promise<ControlResult[]> {
  const out: ControlResult[] = [];
  for (const flow of flows(model, accounts)) {
    const found = who.find((p) => p.arn === flow.arn);
    if (!found || flow.missing) {
      out.push({
        name: flow.name,
        passed: false,
        detail: flow.missing || `${flow.arn} missing from the templates`,
      });
      continue;
    }
    const principal = flow.managed ? { ...found, policies: [...found.policies, flow.managed] } : found;
    const d = await authorize(model, principal, flow.request, flow.mode, memo);
    out.push({
      name: flow.name,
      passed: d.allowed,
      detail: d.decidedBy.join('; ') + (flow.note ? ` (${flow.note})` : ''),
    });
  }
  return out;
}

function flows(model: ProofModel, accounts: Set<string>): Flow[] {
  const { vault } = model.config.organizations;
  const region = model.config.vault.region;
  const key = vaultResource(model, 'key');
  const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
  const out: Flow[] = [];
  for (const bucket of protectedBuckets(model.config).filter((b) => accounts.has(b.account))) {
    const replication = role(bucket.account, ROLE_NAMES.replication);
    const vaultBucket = model.resources.find((r) => r.name === bucket.vaultBucket);
    const object = `${vaultBucket?.arn ?? `arn:aws:s3:::${bucket.vaultBucket}`}/any-key`;
    out.push({
      name: `replication role replicates into ${bucket.vaultBucket}`,
      arn: replication,
      missing: vaultBucket ? '' : `vault bucket ${bucket.vaultBucket} missing from the templates`,
      request: { action: 's3:ReplicateObject', resource: object, resourceAccount: vault.vaultAccount },
      mode: 'Strict',
    });
    if (key)
      out.push({
        name: `replication role encrypts replicas with the vault key`,
        arn: replication,
        missing: '',
        request: {
          action: 'kms:GenerateDataKey',
          resource: key.arn,
          resourceAccount: vault.vaultAccount,
          context: {
            'kms:ViaService': `s3.${region}.amazonaws.com`,
            'kms:EncryptionContext:aws:s3:arn': object,
            'kms:ResourceAliases': [RESOURCE_NAMES.vaultKeyAlias(model.config)],
          },
        },
        // iam-simulate 0.1.173 drops the kms:EncryptionContext:aws:s3:arn key from requests, so Strict mode would
        // deny for a missing key; Discovery evaluates that one condition as satisfiable, as S3 satisfies it.
        mode: 'Discovery',
        note: 'encryption-context condition taken as S3 sets it',
      });
  }
  const copier = role(vault.vaultAccount, ROLE_NAMES.snapshotCopier);
  const throughEc2 = { 'kms:ViaService': `ec2.${region}.amazonaws.com`, 'aws:ViaAWSService': 'true' };
  out.push({
    name: 'copier copies a shared snapshot into a vault copy',
    arn: copier,
    missing: '',
    request: {
      action: 'ec2:CopySnapshot',
      resource: `arn:aws:ec2:${region}::snapshot/snap-vault-copy`,
      resourceAccount: vault.vaultAccount,
      context: { 'aws:ViaAWSService': 'false' },
    },
    mode: 'Strict',
  });
  if (key)
    for (const action of ['kms:CreateGrant', 'kms:GenerateDataKeyWithoutPlaintext'])
      out.push({
        name: `copier encrypts the copy with the vault key (${action}, through EC2)`,
        arn: copier,
        missing: '',
        request: { action, resource: key.arn, resourceAccount: vault.vaultAccount, context: throughEc2 },
        mode: 'Strict',
      });
  const restore = role(vault.restoreAccount, ROLE_NAMES.restore);
  const firstBucket = vaultResource(model, 'bucket');
  out.push({
    name: 'restore role reads vault versions',
    arn: restore,
    missing: firstBucket ? '' : 'no vault bucket in the templates',
    request: {
      action: 's3:GetObjectVersion',
      resource: `${firstBucket?.arn}/any-key`,
      resourceAccount: vault.vaultAccount,
      context: personOnAllowedNetwork(model),
    },
    mode: 'Strict',
  });
  if (key)
    out.push({
      name: 'restore role decrypts vault data through S3',
      arn: restore,
      missing: '',
      // S3 calls KMS for the restore role's request: a call through an AWS service.
      request: {
        action: 'kms:Decrypt',
        resource: key.arn,
        resourceAccount: vault.vaultAccount,
        context: { 'kms:ViaService': `s3.${region}.amazonaws.com`, 'aws:ViaAWSService': 'true' },
      },
      mode: 'Strict',
    });
  const airGapped = model.resources.find(
    (r) => r.kind === 'backup-vault' && r.name === RESOURCE_NAMES.airGapVault(model.config),
  );
  if (airGapped) {
    out.push({
      name: `restore role restores from ${airGapped.name} (shared through AWS RAM)`,
      arn: restore,
      missing: '',
      request: {
        action: 'backup:StartRestoreJob',
        resource: `arn:aws:backup:${region}:${airGapped.account}:recovery-point:any`,
        resourceAccount: airGapped.account,
        governedBy: airGapped.arn,
        context: { ...personOnAllowedNetwork(model), 'aws:RequestedRegion': region },
      },
      mode: 'Strict',
    });
    for (const account of [...accounts].sort())
      out.push({
        name: `AWS Backup copies ${account}'s recovery points into ${airGapped.name}`,
        arn: role(account, ROLE_NAMES.backupService),
        missing: '',
        request: {
          action: 'backup:CopyIntoBackupVault',
          resource: airGapped.arn,
          resourceAccount: airGapped.account,
          context: { 'aws:ViaAWSService': 'true' },
        },
        mode: 'Strict',
        managed: { name: 'AWSBackupServiceRolePolicyForBackup', policy: BACKUP_SERVICE_COPIES },
        note: 'the role’s AWS managed policy grants CopyIntoBackupVault on every vault',
      });
  }
  return out;
}

/** The statement of AWS's managed AWSBackupServiceRolePolicyForBackup that lets a copy job write into a vault. */
const BACKUP_SERVICE_COPIES = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'],
      Resource: 'arn:aws:backup:*:*:backup-vault:*',
    },
  ],
};

/** A restore is a person's direct call, with MFA, from the first allow-listed network of `access.allowedCidrs`. */
function personOnAllowedNetwork(model: ProofModel): Record<string, string> {
  const cidr = model.config.access.allowedCidrs[0];
  return { 'aws:ViaAWSService': 'false', ...(cidr ? { 'aws:SourceIp': cidr.split('/')[0]! } : {}) };
}
