import { isDeepStrictEqual } from 'node:util';
import {
  BackupClient,
  GetBackupVaultAccessPolicyCommand,
  ListBackupPlansCommand,
  ListBackupSelectionsCommand,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  GetBackupPlanCommand,
  GetBackupSelectionCommand,
} from '@aws-sdk/client-backup';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
} from '@aws-sdk/client-config-service';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import {
  accountsByRole,
  protectedBuckets,
  RESOURCE_NAMES,
  type Config,
  type ProtectedBucket,
} from '../config/index.js';
import { bucketExists } from '../protect/s3/bucket-exists.js';
import { guardrails } from '../infra/guardrails/policies.js';
import type {
  AuditState,
  BackupPlanState,
  BackupVaultState,
  BucketState,
  KeyState,
  LoggingState,
  PolicyState,
  RestoreJobState,
} from './model.js';

/**
 * Thin readers: each fetches one kind of live state and nothing else. An absent configuration reads as
 * undefined or empty (the rules decide what that means); any other error propagates.
 */
const absent =
  <T>(fallback: T) =>
  (e: unknown): T => {
    const name = (e as { name?: string }).name ?? '';
    if (
      /NoSuch|NotFound|ObjectLockConfigurationNotFound|ReplicationConfigurationNotFound|ServerSideEncryptionConfigurationNotFound/.test(
        name,
      )
    )
      return fallback;
    throw e;
  };

export async function readBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
): Promise<BucketState> {
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const vaultExists = await bucketExists(vault, bucket.vaultBucket);
  const [replication, lifecycle, sourceEnc, lock, vaultEnc] = await Promise.all([
    source
      .send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }))
      .then((r) => r.ReplicationConfiguration, absent(undefined)),
    source
      .send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket.bucket }))
      .then((r) => r.Rules ?? [], absent([])),
    source
      .send(new GetBucketEncryptionCommand({ Bucket: bucket.bucket }))
      .then((r) => r.ServerSideEncryptionConfiguration?.Rules ?? [], absent([])),
    vaultExists
      ? vault
          .send(new GetObjectLockConfigurationCommand({ Bucket: bucket.vaultBucket }))
          .then((r) => r.ObjectLockConfiguration, absent(undefined))
      : undefined,
    vaultExists
      ? vault
          .send(new GetBucketEncryptionCommand({ Bucket: bucket.vaultBucket }))
          .then((r) => r.ServerSideEncryptionConfiguration?.Rules ?? [], absent([]))
      : [],
  ]);
  return {
    bucket,
    sourceReplication: replication,
    sourceLifecycle: lifecycle,
    sourceEncryption: sourceEnc,
    vaultExists,
    vaultObjectLock: lock,
    vaultEncryption: vaultEnc,
  };
}

export async function readVaultKey(clients: AwsClients, config: Config): Promise<KeyState> {
  const account = config.organizations.vault.vaultAccount;
  const alias = RESOURCE_NAMES.vaultKeyAlias(config);
  const kms = clients.for(KMSClient, account, config.vault.region);
  const metadata = await kms
    .send(new DescribeKeyCommand({ KeyId: alias }))
    .then((r) => r.KeyMetadata, absent(undefined));
  return { alias, account, metadata };
}

/** The vault organization's guardrails, read from its management account; undefined when access is denied. */
export async function readPolicies(
  clients: AwsClients,
  config: Config,
): Promise<{ policies: PolicyState[]; rootId: string | undefined } | undefined> {
  const orgs = clients.for(OrganizationsClient, config.organizations.vault.managementAccount);
  try {
    const rootId = (await orgs.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
    const policies: PolicyState[] = [];
    for (const kind of ['SCP', 'RCP'] as const) {
      const filter = kind === 'SCP' ? 'SERVICE_CONTROL_POLICY' : 'RESOURCE_CONTROL_POLICY';
      const listed = (await orgs.send(new ListPoliciesCommand({ Filter: filter }))).Policies ?? [];
      for (const g of guardrails(config).filter((x) => x.organization === 'vault' && x.kind === kind)) {
        const summary = listed.find((p) => p.Name === g.name);
        if (!summary?.Id) {
          policies.push({ name: g.name, kind, exists: false, targets: [], contentMatches: false });
          continue;
        }
        const [described, targets] = await Promise.all([
          orgs.send(new DescribePolicyCommand({ PolicyId: summary.Id })),
          orgs.send(new ListTargetsForPolicyCommand({ PolicyId: summary.Id })),
        ]);
        const content = described.Policy?.Content;
        policies.push({
          name: g.name,
          kind,
          exists: true,
          targets: (targets.Targets ?? []).map((t) => t.TargetId!),
          contentMatches: content !== undefined && isDeepStrictEqual(JSON.parse(content), g.document),
        });
      }
    }
    return { policies, rootId };
  } catch (e) {
    if (/AccessDenied|AWSOrganizationsNotInUse/.test((e as { name?: string }).name ?? '')) return undefined;
    throw e;
  }
}

export async function readLogging(
  clients: AwsClients,
  account: string,
  region: string,
): Promise<LoggingState> {
  const trail = clients.for(CloudTrailClient, account, region);
  const trails = (await trail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  const trailsLogging: string[] = [];
  for (const t of trails) {
    const status = await trail.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
    if (status.IsLogging) trailsLogging.push(t.Name ?? t.TrailARN ?? '');
  }
  const recorders = await clients
    .for(ConfigServiceClient, account, region)
    .send(new DescribeConfigurationRecorderStatusCommand({}));
  const gd = clients.for(GuardDutyClient, account, region);
  const detectors = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  let guardDutyEnabled = false;
  for (const id of detectors)
    if ((await gd.send(new GetDetectorCommand({ DetectorId: id }))).Status === 'ENABLED')
      guardDutyEnabled = true;
  return {
    account,
    trailsLogging,
    configRecording: (recorders.ConfigurationRecordersStatus ?? []).some((r) => r.recording),
    guardDutyEnabled,
  };
}

/** AWS Backup state of one account (backup or air-gap): vaults with their recovery points, plans, restore jobs. */
export async function readBackup(
  clients: AwsClients,
  account: string,
  region: string,
): Promise<{ vaults: BackupVaultState[]; plans: BackupPlanState[]; restoreJobs: RestoreJobState[] }> {
  const backup = clients.for(BackupClient, account, region);
  const vaults: BackupVaultState[] = [];
  for (const v of (await backup.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? []) {
    const name = v.BackupVaultName!;
    const policy = await backup
      .send(new GetBackupVaultAccessPolicyCommand({ BackupVaultName: name }))
      .then((r) => r.Policy, absent(undefined));
    const points =
      (await backup.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: name })))
        .RecoveryPoints ?? [];
    vaults.push({
      name,
      account,
      locked: v.Locked ?? false,
      lockDate: v.LockDate,
      minRetentionDays: v.MinRetentionDays,
      deletionDenied: policy !== undefined && deniesDeletion(policy),
      recoveryPoints: points.map((p) => ({
        arn: p.RecoveryPointArn!,
        resourceArn: p.ResourceArn!,
        createdAt: p.CreationDate!,
        encrypted: p.IsEncrypted ?? false,
        retentionDays: p.Lifecycle?.DeleteAfterDays,
      })),
    });
  }
  const plans: BackupPlanState[] = [];
  for (const p of (await backup.send(new ListBackupPlansCommand({}))).BackupPlansList ?? []) {
    const plan = await backup.send(new GetBackupPlanCommand({ BackupPlanId: p.BackupPlanId! }));
    const selections =
      (await backup.send(new ListBackupSelectionsCommand({ BackupPlanId: p.BackupPlanId! })))
        .BackupSelectionsList ?? [];
    const selectedResources: string[] = [];
    for (const s of selections) {
      const sel = await backup.send(
        new GetBackupSelectionCommand({ BackupPlanId: p.BackupPlanId!, SelectionId: s.SelectionId! }),
      );
      selectedResources.push(...(sel.BackupSelection?.Resources ?? []));
    }
    plans.push({
      name: p.BackupPlanName!,
      rules: (plan.BackupPlan?.Rules ?? []).map((r) => ({
        schedule: r.ScheduleExpression ?? '',
        deleteAfterDays: r.Lifecycle?.DeleteAfterDays,
        copyTo: (r.CopyActions ?? []).map((c) => c.DestinationBackupVaultArn!),
      })),
      selectedResources,
    });
  }
  const jobs = (await backup.send(new ListRestoreJobsCommand({ ByStatus: 'COMPLETED' }))).RestoreJobs ?? [];
  const restoreJobs = jobs
    .filter((j) => j.CreationDate && j.CompletionDate)
    .map((j) => ({
      resourceArn: j.CreatedResourceArn ?? j.RecoveryPointArn ?? '',
      minutes: Math.round((j.CompletionDate!.getTime() - j.CreationDate!.getTime()) / 60_000),
    }));
  return { vaults, plans, restoreJobs };
}

function deniesDeletion(policy: string): boolean {
  const doc = JSON.parse(policy) as { Statement?: { Effect?: string; Action?: string | string[] }[] };
  return (doc.Statement ?? []).some((s) => {
    const actions = [s.Action ?? []].flat();
    return s.Effect === 'Deny' && actions.some((a) => a === 'backup:DeleteRecoveryPoint' || a === 'backup:*');
  });
}

/** All the state the rules judge, fetched once. */
export async function readAuditState(
  clients: AwsClients,
  config: Config,
  now = new Date(),
): Promise<AuditState> {
  const buckets = await Promise.all(protectedBuckets(config).map((b) => readBucket(clients, config, b)));
  const keys = [await readVaultKey(clients, config)];
  const orgs = await readPolicies(clients, config);
  const vaultOrgAccounts = accountsByRole(config).filter((a) => a.organization === 'vault');
  const logging = await Promise.all(
    vaultOrgAccounts.map((a) => readLogging(clients, a.id, config.vault.region)),
  );
  let backup: AuditState['backup'];
  if (config.paths.backup) {
    // Plans and local vaults live in the workload accounts, copies in the backup and air-gap accounts, restore
    // jobs in the restore account.
    const accounts = accountsByRole(config)
      .filter((a) => ['workload', 'backup', 'air-gap', 'restore'].includes(a.role))
      .map((a) => a.id);
    const parts = await Promise.all(accounts.map((a) => readBackup(clients, a, config.vault.region)));
    backup = {
      vaults: parts.flatMap((p) => p.vaults),
      plans: parts.flatMap((p) => p.plans),
      restoreJobs: parts.flatMap((p) => p.restoreJobs),
    };
  }
  return { now, buckets, keys, policies: orgs?.policies, rootId: orgs?.rootId, logging, backup };
}
