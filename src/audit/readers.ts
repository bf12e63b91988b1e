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
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeLockedSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import {
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/index.js';
import { errorLine } from '../errors.js';
import { RESOURCE_NAMES, ROLE_NAMES } from '../config/names.js';
import { accountsByRole, detectionPlaces, protectedBuckets, vaultKeyRegions } from '../config/plan.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import type { SnapshotService } from '../protect/snapshots/model.js';
import { guardrails } from '../infra/guardrails/policies.js';
import { absent } from './absent.js';
import { intentFromTemplates, type IntendedTemplates, type KeyArns } from './intent.js';
import { readBucket } from './read-bucket.js';
import type {
  AuditState,
  BackupPlanState,
  BackupVaultState,
  KeyState,
  LoggingState,
  PolicyState,
  RestoreJobState,
  RoleState,
  SnapshotCopyState,
} from './model.js';

export async function readKey(
  clients: AwsClients,
  account: string,
  region: string,
  alias: string,
  opts: { rotation?: boolean } = {},
): Promise<KeyState> {
  const kms = clients.for(KMSClient, account, region);
  const metadata = await kms
    .send(new DescribeKeyCommand({ KeyId: alias }))
    .then((r) => r.KeyMetadata, absent(undefined));
  const policy = metadata?.KeyId
    ? (await kms.send(new GetKeyPolicyCommand({ KeyId: metadata.KeyId, PolicyName: 'default' }))).Policy
    : undefined;
  // Only an enabled key's rotation matters: any other state fails the key already.
  const rotationEnabled =
    opts.rotation && metadata?.KeyState === 'Enabled'
      ? (await kms.send(new GetKeyRotationStatusCommand({ KeyId: metadata.KeyId }))).KeyRotationEnabled
      : undefined;
  return { alias, account, region, metadata, policy, rotationEnabled };
}

/** The restore role: trust, inline policies (IAM returns them URL-encoded) and attached managed policies. */
export async function readRestoreRole(clients: AwsClients, config: Config): Promise<RoleState> {
  const account = config.organizations.vault.restoreAccount;
  const name = ROLE_NAMES.restore;
  const iam = clients.for(IAMClient, account);
  const role = await iam.send(new GetRoleCommand({ RoleName: name })).then((r) => r.Role, absent(undefined));
  if (!role) return { name, account, exists: false, trust: undefined, policies: {}, managedPolicies: [] };
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [];
  const policies: Record<string, unknown> = {};
  for (const policyName of names) {
    const doc = (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })))
      .PolicyDocument;
    policies[policyName] = doc === undefined ? undefined : iamDocument(doc);
  }
  const attached =
    (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies ?? [];
  return {
    name,
    account,
    exists: true,
    trust: role.AssumeRolePolicyDocument ? iamDocument(role.AssumeRolePolicyDocument) : undefined,
    policies,
    managedPolicies: attached.map((p) => p.PolicyArn!),
  };
}

const iamDocument = (text: string): unknown =>
  JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));

/**
 * Every copy the recovery catalog lists as available, checked against the vault account: the copy still
 * exists, and an EBS copy carries its snapshot lock. Undefined when the catalog table does not exist.
 */
export async function readSnapshotCopies(
  clients: AwsClients,
  config: Config,
): Promise<SnapshotCopyState[] | undefined> {
  const account = config.organizations.vault.vaultAccount;
  const catalog = new Catalog({
    clients,
    account,
    region: config.vault.region,
    table: RESOURCE_NAMES.catalogTable(config),
  });
  const entries = await catalog.list().catch(absent(undefined));
  if (!entries) return undefined;
  const apis = snapshotApis(clients);
  const out: SnapshotCopyState[] = [];
  for (const entry of entries.filter((e) => e.state === 'available')) {
    const api = apis[entry.service as SnapshotService];
    const present = api
      ? (await api.describeCopy(account, entry.region, entry.vaultCopyId)) !== undefined
      : false;
    let lock: SnapshotCopyState['lock'];
    if (entry.service === 'ebs' && present) {
      const found = (
        await clients
          .for(EC2Client, account, entry.region)
          .send(new DescribeLockedSnapshotsCommand({ SnapshotIds: [entry.vaultCopyId] }))
      ).Snapshots?.[0];
      lock = {
        state: found?.LockState ?? 'unlocked',
        expiresOn: found?.LockExpiresOn,
        coolOffEndsOn: found?.CoolOffPeriodExpiresOn,
      };
    }
    out.push({ entry, present, lock });
  }
  return out;
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
  // With their shadows, the trails that log this region: its own, and the multi-region trails of any region (an
  // organization trail included). A shadow's status is read by its ARN.
  const trails = (await trail.send(new DescribeTrailsCommand({ includeShadowTrails: true }))).trailList ?? [];
  const trailsLogging: string[] = [];
  const deliveryBuckets = new Set<string>();
  for (const t of trails) {
    const status = await trail.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name }));
    if (!status.IsLogging) continue;
    trailsLogging.push(t.Name ?? t.TrailARN ?? '');
    if (t.S3BucketName) deliveryBuckets.add(t.S3BucketName);
  }
  const configService = clients.for(ConfigServiceClient, account, region);
  const recorders = await configService.send(new DescribeConfigurationRecorderStatusCommand({}));
  const channels = (await configService.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? [];
  for (const c of channels) if (c.s3BucketName) deliveryBuckets.add(c.s3BucketName);
  const gd = clients.for(GuardDutyClient, account, region);
  const detectors = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  let guardDutyEnabled = false;
  for (const id of detectors)
    if ((await gd.send(new GetDetectorCommand({ DetectorId: id }))).Status === 'ENABLED')
      guardDutyEnabled = true;
  return {
    account,
    region,
    trailsLogging,
    deliveryBuckets: [...deliveryBuckets].sort(),
    configRecording: (recorders.ConfigurationRecordersStatus ?? []).some((r) => r.recording),
    guardDutyEnabled,
  };
}

/**
 * The buckets the log archive account owns (Control Tower's `aws-controltower-logs-*` or ours): a bucket is listed
 * by its owner only, so a delivery bucket among them is in the log archive account.
 */
export async function readLogArchive(
  clients: AwsClients,
  account: string,
  region: string,
): Promise<{ account: string; buckets: string[] }> {
  const listed = await clients.for(S3Client, account, region).send(new ListBucketsCommand({}));
  return { account, buckets: (listed.Buckets ?? []).flatMap((b) => (b.Name ? [b.Name] : [])) };
}

/** AWS Backup state of one account (backup or air-gap): vaults with their recovery points, plans, restore jobs. */
export async function readBackup(
  clients: AwsClients,
  account: string,
  region: string,
): Promise<{
  vaults: BackupVaultState[];
  plans: BackupPlanState[];
  restoreJobs: RestoreJobState[];
  restoreJobsUnreadable: { account: string; reason: string }[];
}> {
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
  // Restore times are one control among many: a listing that fails (refused, or not served: moto lacks it) is that
  // control's failure, not the audit's end.
  const restoreJobsUnreadable: { account: string; reason: string }[] = [];
  const listed = await backup.send(new ListRestoreJobsCommand({ ByStatus: 'COMPLETED' })).then(
    (r) => r.RestoreJobs ?? [],
    (e: unknown) => {
      restoreJobsUnreadable.push({ account, reason: errorLine(e) });
      return [];
    },
  );
  const restoreJobs = listed
    .filter((j) => j.CreationDate && j.CompletionDate)
    .map((j) => ({
      resourceArn: j.CreatedResourceArn ?? j.RecoveryPointArn ?? '',
      minutes: Math.round((j.CompletionDate!.getTime() - j.CreationDate!.getTime()) / 60_000),
    }));
  return { vaults, plans, restoreJobs, restoreJobsUnreadable };
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
  opts: { now?: Date; templates?: IntendedTemplates | undefined } = {},
): Promise<AuditState> {
  const now = opts.now ?? new Date();
  const { vault } = config.organizations;
  const buckets = await Promise.all(protectedBuckets(config).map((b) => readBucket(clients, config, b)));
  // Snapshot copies are made in their source region, under that region's vault key: each is a ransom lever.
  // Rotation is read where the templates turn it on.
  const rotation = { rotation: config.vault.encryption.keyRotation };
  const keys = await Promise.all(
    vaultKeyRegions(config).map((r) =>
      readKey(clients, vault.vaultAccount, r, RESOURCE_NAMES.vaultKeyAlias(config), rotation),
    ),
  );
  // The catalog's own key: disabled or deleting, it locks the catalog the restore reads (threat #11).
  const catalogKey = await readKey(
    clients,
    vault.vaultAccount,
    config.vault.region,
    RESOURCE_NAMES.catalogKeyAlias(config),
    rotation,
  );
  // A restore copies each vault copy under the restore key of the copy's region: each one gone is a restore that
  // cannot run (threat #11).
  const restoreKeys = await Promise.all(
    vaultKeyRegions(config).map((r) =>
      readKey(clients, vault.restoreAccount, r, RESOURCE_NAMES.restoreKeyAlias(config), { rotation: true }),
    ),
  );
  const keyArns: KeyArns = {};
  for (const k of [...keys, catalogKey, ...restoreKeys])
    if (k.metadata?.Arn) (keyArns[k.region] ??= {})[k.alias] = k.metadata.Arn;
  const intent = opts.templates && intentFromTemplates(config, opts.templates, keyArns);
  const restoreRole = await readRestoreRole(clients, config);
  const snapshots = await readSnapshotCopies(clients, config);
  const orgs = await readPolicies(clients, config);
  const logging = await Promise.all(
    detectionPlaces(config).map((p) => readLogging(clients, p.account, p.region)),
  );
  const logArchive =
    vault.logArchiveAccount && (await readLogArchive(clients, vault.logArchiveAccount, config.vault.region));
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
      restoreJobsUnreadable: parts.flatMap((p) => p.restoreJobsUnreadable),
    };
  }
  return {
    now,
    buckets,
    keys: [...keys, catalogKey],
    restoreKeys,
    intent,
    restoreRole,
    snapshots,
    policies: orgs?.policies,
    rootId: orgs?.rootId,
    logging,
    logArchive: logArchive || undefined,
    backup,
  };
}
