import { RESOURCE_NAMES, ROLE_NAMES, TAGS, vaultKeyRegions, type Config } from '../../config/index.js';
import type { AccountRole } from '../../config/plan.js';
import { DRILL_NAME_PREFIX, drillPrefix } from '../../drill/prefix.js';
import { AIRGAP_PREFIX } from '../../protect/s3/canary.js';
import { AUDIT_READ_ACTIONS } from '../governance/audit-read-role.js';

/** The `airgap` commands that run as `AirGapOperator` (the restore role's commands run as `AirGapRestore`). */
export type OperatorCommand =
  | 'status'
  | 'audit'
  | 'cost'
  | 'preflight'
  | 'snapshots status'
  | 'backup status'
  | 's3 verify'
  | 's3 backfill'
  | 's3 configure-replication'
  | 'efs configure-replication'
  | 'restore rds|aurora|ebs'
  | 'restore efs'
  | 'drill --target aws';

/** Where a grant lands: the account, and (workload accounts) its protected buckets as ARNs. */
export interface GrantScope {
  config: Config;
  account: string;
  /** Protected buckets of the account as ARNs ending in `suffix` (a CloudFormation list in the StackSet template). */
  buckets: (suffix: string) => string[];
  /** The vault account's catalog key ARN (`CatalogKey`); no other account has one. */
  catalogKey?: string;
}

/**
 * One statement of the operator policy: the calls a set of commands makes in one kind of account. The operator
 * policy of an account is the grants that name it, nothing else; `test/operator-grants.test.ts` (and
 * `test/drill-aws.test.ts`) hold every call the commands they run on the sandbox send to the policy of the role
 * that sends it.
 */
export interface OperatorGrant {
  sid: string;
  commands: readonly OperatorCommand[];
  accounts: readonly AccountRole[];
  actions: readonly string[];
  /** Default `*`: describe and list calls that take no resource, or name resources that exist only at run time. */
  resources?: (at: GrantScope) => string[];
  conditions?: (at: GrantScope) => Record<string, Record<string, string | string[]>>;
  /** Scoped to the account's protected buckets: none in an account that protects no bucket. */
  onProtectedBuckets?: boolean;
}

const vaultBuckets = ({ config }: GrantScope) => [`arn:aws:s3:::${config.vault.bucketPrefix}-*`];
const vaultObjects = ({ config }: GrantScope) => [`arn:aws:s3:::${config.vault.bucketPrefix}-*/*`];
const vaultKeys = ({ account }: GrantScope) => [`arn:aws:kms:*:${account}:key/*`];
const catalogKey = ({ catalogKey }: GrantScope) => {
  if (!catalogKey) throw new Error("the vault account's operator role needs the catalog key's ARN");
  return [catalogKey];
};
const catalog = ({ config, account }: GrantScope) => [
  `arn:aws:dynamodb:${config.vault.region}:${account}:table/${RESOURCE_NAMES.catalogTable(config)}`,
];
const backupVault = ({ config }: GrantScope, account: string, name: string) =>
  `arn:aws:backup:${config.vault.region}:${account}:backup-vault:${name}`;
const efsRestoreVault = (at: GrantScope) =>
  backupVault(
    at,
    at.config.organizations.vault.restoreAccount,
    RESOURCE_NAMES.efsRestoreBackupVault(at.config),
  );
const recoveryPoints = ({ config, account }: GrantScope) => [
  `arn:aws:backup:${config.vault.region}:${account}:recovery-point:*`,
];
const passOnlyToBackup = () => ({ StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } });
const READ_SNAPSHOTS = [
  'rds:DescribeDBSnapshots',
  'rds:DescribeDBClusterSnapshots',
  'rds:DescribeDBSnapshotAttributes',
  'rds:DescribeDBClusterSnapshotAttributes',
  'ec2:DescribeSnapshots',
  'ec2:DescribeSnapshotAttribute',
];
const READ_KEYS = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:ListAliases'];
const READ_BACKUP = [
  ...AUDIT_READ_ACTIONS.backup,
  'backup:DescribeBackupVault',
  'backup:ListBackupJobs',
  'backup:ListCopyJobs',
];

/** What the drill writes in production buckets: its own objects, under its own prefix, never a workload key. */
const DRILL_OBJECTS = `${drillPrefix('*')}*`;
/**
 * The drill's databases and snapshots on AWS (`airgap-drill-<id>-<service>-<n>`, drill/target.ts), and in the restore
 * account its restores and restore buckets (`airgap-drill-<id>-restore-<n>`, `airgap-drill-<id>-s3-<n>`): a name no
 * real restore takes (drill/prefix.ts).
 */
const DRILL_RESOURCES = `${DRILL_NAME_PREFIX}*`;
const drillRestoreBuckets = () => [`arn:aws:s3:::${DRILL_RESOURCES}`, `arn:aws:s3:::${DRILL_RESOURCES}/*`];
const inThisAccount = ({ account }: GrantScope) => ({ StringEquals: { 'aws:ResourceAccount': account } });
const carriesDrillTag = () => ({ Null: { [`aws:ResourceTag/${TAGS.drill}`]: 'false' } });

export const OPERATOR_GRANTS: readonly OperatorGrant[] = [
  // Source workload accounts: read the protected buckets, write the status canary, start backfills.
  {
    sid: 'ReadProtectedBuckets',
    commands: [
      'status',
      'audit',
      's3 verify',
      's3 backfill',
      's3 configure-replication',
      'drill --target aws',
    ],
    accounts: ['workload'],
    actions: [
      's3:ListBucket',
      's3:ListBucketVersions',
      's3:GetBucketVersioning',
      's3:GetReplicationConfiguration',
      's3:GetLifecycleConfiguration',
      's3:GetEncryptionConfiguration',
    ],
    resources: ({ buckets }) => buckets(''),
    onProtectedBuckets: true,
  },
  {
    sid: 'ReadProtectedObjects',
    commands: ['status', 's3 verify', 's3 backfill', 'drill --target aws'],
    accounts: ['workload'],
    actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectVersionAttributes'],
    resources: ({ buckets }) => buckets('/*'),
    onProtectedBuckets: true,
  },
  {
    // The canary is the one object status writes: its vault version proves replication works right now.
    sid: 'WriteStatusCanary',
    commands: ['status'],
    accounts: ['workload'],
    actions: ['s3:PutObject'],
    resources: ({ buckets }) => buckets(`/${AIRGAP_PREFIX}*`),
    onProtectedBuckets: true,
  },
  {
    sid: 'WriteDrillObjects',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['s3:PutObject'],
    resources: ({ buckets }) => buckets(`/${DRILL_OBJECTS}`),
    onProtectedBuckets: true,
  },
  {
    // The drill attacks and then removes its own objects, never a workload key.
    sid: 'RemoveDrillObjects',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
    resources: ({ buckets }) => buckets(`/${DRILL_OBJECTS}`),
    onProtectedBuckets: true,
  },
  {
    // The drill's databases and their snapshots, which it shares with the vault as the share function would: only
    // what carries a drill name (`airgap-drill-<id>-…`), and the defaults a new database picks.
    sid: 'DrillDatabases',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: [
      'rds:CreateDBInstance',
      'rds:CreateDBCluster',
      'rds:CreateDBSnapshot',
      'rds:CreateDBClusterSnapshot',
      'rds:AddTagsToResource',
      'rds:ModifyDBSnapshotAttribute',
      'rds:ModifyDBClusterSnapshotAttribute',
      'rds:DeleteDBInstance',
      'rds:DeleteDBCluster',
      'rds:DeleteDBSnapshot',
      'rds:DeleteDBClusterSnapshot',
    ],
    resources: ({ account }) => [
      ...['db', 'cluster', 'snapshot', 'cluster-snapshot'].map(
        (type) => `arn:aws:rds:*:${account}:${type}:${DRILL_RESOURCES}`,
      ),
      ...['subgrp', 'og', 'pg', 'cluster-pg'].map((type) => `arn:aws:rds:*:${account}:${type}:default*`),
    ],
  },
  {
    // The drill's volumes and snapshots: created carrying the drill tag, deleted only when they carry it.
    sid: 'CreateDrillVolumes',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['ec2:CreateVolume', 'ec2:CreateSnapshot', 'ec2:CreateTags'],
    resources: ({ account }) => [`arn:aws:ec2:*:${account}:volume/*`, 'arn:aws:ec2:*::snapshot/*'],
    conditions: () => ({ Null: { [`aws:RequestTag/${TAGS.drill}`]: 'false' } }),
  },
  {
    sid: 'SnapshotAndRemoveDrillVolumes',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['ec2:CreateSnapshot', 'ec2:DeleteVolume', 'ec2:DeleteSnapshot'],
    resources: ({ account }) => [`arn:aws:ec2:*:${account}:volume/*`, 'arn:aws:ec2:*::snapshot/*'],
    conditions: carriesDrillTag,
  },
  {
    // The workload key the drill's attacker schedules for deletion: one the drill created, with its tag.
    sid: 'CreateDrillKey',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['kms:CreateKey', 'kms:TagResource'],
    conditions: () => ({ Null: { [`aws:RequestTag/${TAGS.drill}`]: 'false' } }),
  },
  {
    sid: 'ScheduleDrillKeyDeletion',
    commands: ['drill --target aws'],
    accounts: ['workload'],
    actions: ['kms:ScheduleKeyDeletion'],
    resources: ({ account }) => [`arn:aws:kms:*:${account}:key/*`],
    conditions: carriesDrillTag,
  },
  {
    sid: 'ConfigureReplication',
    commands: ['s3 configure-replication'],
    accounts: ['workload'],
    actions: ['s3:PutReplicationConfiguration', 's3:PutBucketVersioning', 's3:PutEncryptionConfiguration'],
    resources: ({ buckets }) => buckets(''),
    onProtectedBuckets: true,
  },
  {
    // S3 Batch Replication: the job runs as the batch replication role, which only S3 Batch Operations may take.
    sid: 'StartBackfillJobs',
    commands: ['s3 backfill'],
    accounts: ['workload'],
    actions: ['s3:CreateJob', 's3:DescribeJob'],
  },
  {
    sid: 'PassBackfillAndReplicationRoles',
    commands: ['s3 backfill', 's3 configure-replication', 'efs configure-replication'],
    accounts: ['workload'],
    actions: ['iam:PassRole'],
    resources: ({ account }) => [
      `arn:aws:iam::${account}:role/${ROLE_NAMES.batchReplication}`,
      `arn:aws:iam::${account}:role/${ROLE_NAMES.replication}`,
      `arn:aws:iam::${account}:role/${ROLE_NAMES.efsReplication}`,
    ],
    conditions: () => ({
      StringEquals: {
        'iam:PassedToService': [
          'batchoperations.s3.amazonaws.com',
          's3.amazonaws.com',
          'elasticfilesystem.amazonaws.com',
        ],
      },
    }),
  },
  {
    sid: 'ReadReplicationAndSizeMetrics',
    commands: ['status', 'cost'],
    accounts: ['workload', 'vault'],
    actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics'],
  },
  {
    sid: 'ReadProtectedDatabasesVolumesAndKeys',
    commands: ['preflight', 'cost', 'drill --target aws'],
    accounts: ['workload'],
    actions: [
      'rds:DescribeDBInstances',
      'rds:DescribeDBClusters',
      'ec2:DescribeVolumes',
      ...READ_SNAPSHOTS,
      ...READ_KEYS,
    ],
  },
  {
    sid: 'ReplicateFileSystemsIntoTheVault',
    commands: ['efs configure-replication', 'snapshots status', 'cost'],
    accounts: ['workload'],
    actions: [
      'elasticfilesystem:DescribeFileSystems',
      'elasticfilesystem:DescribeReplicationConfigurations',
      'elasticfilesystem:CreateReplicationConfiguration',
    ],
    resources: ({ account }) => [`arn:aws:elasticfilesystem:*:${account}:file-system/*`],
  },
  // The vault account: read everything that says whether the vault holds the data; change nothing in it but the
  // restore's share and grant, and the drill's evidence.
  {
    sid: 'ReadVaultBuckets',
    commands: ['status', 'audit', 's3 verify', 's3 backfill', 'drill --target aws'],
    accounts: ['vault'],
    actions: [
      's3:ListBucket',
      's3:ListBucketVersions',
      's3:GetBucketObjectLockConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetBucketVersioning',
    ],
    resources: vaultBuckets,
  },
  {
    // Metadata of vault versions (size, checksum, retention, source version id): HEAD needs s3:GetObject*, but
    // without kms:Decrypt on the vault key no object's content can be read.
    sid: 'ReadVaultVersionMetadata',
    commands: ['status', 's3 verify', 's3 backfill', 'drill --target aws'],
    accounts: ['vault'],
    actions: [
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectRetention',
      's3:GetObjectVersionAttributes',
    ],
    resources: vaultObjects,
  },
  {
    sid: 'ReadCatalog',
    commands: ['status', 'snapshots status', 'restore rds|aurora|ebs', 'drill --target aws'],
    accounts: ['vault'],
    actions: ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
    resources: catalog,
  },
  {
    sid: 'DecryptCatalogThroughDynamoDb',
    commands: ['status', 'snapshots status', 'restore rds|aurora|ebs', 'drill --target aws'],
    accounts: ['vault'],
    actions: ['kms:Decrypt'],
    // The catalog's own key, never the vault key: reading the catalog reads no vault data. Only the catalog's
    // items: DynamoDB names the table in the encryption context of every key use.
    resources: catalogKey,
    conditions: ({ config }) => ({
      StringEquals: {
        'kms:ViaService': `dynamodb.${config.vault.region}.amazonaws.com`,
        'kms:EncryptionContext:aws:dynamodb:tableName': RESOURCE_NAMES.catalogTable(config),
      },
    }),
  },
  {
    sid: 'ReadVaultKeysCopiesAndLocks',
    commands: ['audit', 'snapshots status', 'restore rds|aurora|ebs', 'drill --target aws'],
    accounts: ['vault'],
    actions: [...READ_KEYS, 'kms:ListGrants', ...READ_SNAPSHOTS, 'ec2:DescribeLockedSnapshots'],
  },
  {
    // The audit holds the vault and catalog keys to the yearly rotation the templates turn on.
    sid: 'ReadVaultKeyRotation',
    commands: ['audit'],
    accounts: ['vault'],
    actions: ['kms:GetKeyRotationStatus'],
    resources: vaultKeys,
  },
  {
    // The restore's first step: share the vault copy with the restore account. EC2 names the account it shares
    // with (only the restore account); RDS has no such condition key: a residual risk of the proof, and the copy
    // stays encrypted under the vault key, which only the restore role is granted.
    sid: 'ShareVaultCopiesWithRestoreAccount',
    commands: ['restore rds|aurora|ebs'],
    accounts: ['vault'],
    actions: ['rds:ModifyDBSnapshotAttribute', 'rds:ModifyDBClusterSnapshotAttribute'],
    resources: ({ account }) => [
      `arn:aws:rds:*:${account}:snapshot:*`,
      `arn:aws:rds:*:${account}:cluster-snapshot:*`,
    ],
  },
  {
    sid: 'ShareVaultVolumeCopiesWithRestoreAccount',
    commands: ['restore rds|aurora|ebs'],
    accounts: ['vault'],
    actions: ['ec2:ModifySnapshotAttribute'],
    resources: () => ['arn:aws:ec2:*::snapshot/*'],
    conditions: ({ config }) => ({
      StringEquals: {
        'ec2:Add/userId': config.organizations.vault.restoreAccount,
        'ec2:Attribute': 'createVolumePermission',
      },
    }),
  },
  {
    // The restore's second step: the restore role, and only it, may use the vault key to copy the shared copy.
    sid: 'GrantRestoreRoleTheVaultKey',
    commands: ['restore rds|aurora|ebs'],
    accounts: ['vault'],
    actions: ['kms:CreateGrant'],
    resources: vaultKeys,
    conditions: ({ config }) => ({
      StringEquals: {
        'kms:GranteePrincipal': `arn:aws:iam::${config.organizations.vault.restoreAccount}:role/${ROLE_NAMES.restore}`,
      },
      // The vault keys of every region share one alias; the catalog key in the same account is not one of them.
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.vaultKeyAlias(config) },
      'ForAllValues:StringEquals': {
        'kms:GrantOperations': ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'],
      },
    }),
  },
  {
    // `restore rds|aurora|ebs --workflow`: start the restore workflow (its own roles do the rest) and follow it.
    sid: 'StartAndFollowRestoreWorkflow',
    commands: ['restore rds|aurora|ebs'],
    accounts: ['vault'],
    actions: ['states:StartExecution', 'states:DescribeExecution', 'states:GetExecutionHistory'],
    resources: ({ config, account }) => {
      const name = RESOURCE_NAMES.restoreWorkflow(config);
      return [
        `arn:aws:states:${config.vault.region}:${account}:stateMachine:${name}`,
        `arn:aws:states:${config.vault.region}:${account}:execution:${name}:*`,
      ];
    },
  },
  {
    sid: 'ReadFileSystemReplicas',
    commands: ['snapshots status', 'restore efs'],
    accounts: ['vault'],
    actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeReplicationConfigurations'],
    resources: ({ account }) => [`arn:aws:elasticfilesystem:*:${account}:file-system/*`],
  },
  // `restore efs`, vault side: copy a recovery point of a replica into the restore account's EFS restore vault, as
  // AirGapVaultBackup (src/protect/efs/restore.ts); nothing else of the vault's recovery points.
  {
    sid: 'ListEfsReplicaRecoveryPoints',
    commands: ['restore efs'],
    accounts: ['vault'],
    actions: ['backup:ListRecoveryPointsByBackupVault'],
    resources: (at) => [backupVault(at, at.account, RESOURCE_NAMES.efsReplicaBackupVault(at.config))],
  },
  {
    // IAM documents backup:CopyTargets on CopyFromBackupVault only, never on StartCopyJob, whose request would
    // not carry it (a ForAllValues test of an absent key is true, so a condition here would restrict nothing).
    // The destination is bounded by the destination vault's access policy and the vault organization's SCP.
    sid: 'CopyEfsRecoveryPoints',
    commands: ['restore efs'],
    accounts: ['vault'],
    actions: ['backup:StartCopyJob'],
    resources: recoveryPoints,
  },
  {
    // Copy jobs and the organization's cross-account setting have no resource-level permissions.
    sid: 'FollowEfsCopyJobs',
    commands: ['restore efs'],
    accounts: ['vault'],
    actions: ['backup:ListCopyJobs', 'backup:DescribeCopyJob', 'backup:DescribeGlobalSettings'],
  },
  {
    sid: 'PassVaultBackupRoleForEfsCopies',
    commands: ['restore efs'],
    accounts: ['vault'],
    actions: ['iam:PassRole'],
    resources: ({ account }) => [`arn:aws:iam::${account}:role/${ROLE_NAMES.vaultBackup}`],
    conditions: passOnlyToBackup,
  },
  {
    // The evidence bucket's own policy lets this role add `drill-*` files and nothing else.
    sid: 'KeepDrillEvidence',
    commands: ['drill --target aws'],
    accounts: ['vault'],
    actions: ['s3:PutObject', 's3:GetObject', 's3:ListBucket', 's3:GetBucketObjectLockConfiguration'],
    resources: ({ config }) => {
      const bucket = `arn:aws:s3:::${RESOURCE_NAMES.evidenceBucket(config)}`;
      return [bucket, `${bucket}/drill-*`];
    },
  },
  {
    // The drill's preflight: the vault is in another organization than every workload account.
    sid: 'ReadOrganization',
    commands: ['drill --target aws'],
    accounts: ['workload', 'vault'],
    actions: ['organizations:DescribeOrganization'],
  },
  // Every vault-organization account: detection on; AWS Backup state where the backup path keeps it.
  {
    sid: 'ReadDetectionStatus',
    commands: ['audit'],
    accounts: ['vault', 'restore', 'air-gap', 'log-archive', 'vault-management'],
    actions: AUDIT_READ_ACTIONS.logging,
  },
  {
    sid: 'ReadBackupState',
    commands: ['backup status', 'audit'],
    accounts: ['workload', 'backup', 'air-gap', 'restore', 'vault'],
    actions: READ_BACKUP,
  },
  {
    // Which delivery buckets (Control Tower's or ours) the log archive holds: only their owner lists them.
    sid: 'ListLogArchiveBuckets',
    commands: ['audit'],
    accounts: ['log-archive'],
    actions: AUDIT_READ_ACTIONS.logDelivery,
  },
  {
    sid: 'ReadGuardrailPolicies',
    commands: ['audit'],
    accounts: ['vault-management'],
    actions: AUDIT_READ_ACTIONS.organizations,
  },
  {
    // Held to the templates by the audit (and each region's restore key to its state and rotation); the restore
    // itself runs as the restore role.
    sid: 'ReadRestoreRoleAndKey',
    commands: ['audit', 'restore rds|aurora|ebs', 'restore efs'],
    accounts: ['restore'],
    actions: [
      'iam:GetRole',
      'iam:ListRolePolicies',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      ...READ_KEYS,
      'kms:GetKeyRotationStatus',
    ],
    resources: ({ config, account }) => [
      `arn:aws:iam::${account}:role/${ROLE_NAMES.restore}`,
      ...vaultKeyRegions(config).flatMap((region) => [
        `arn:aws:kms:${region}:${account}:key/*`,
        `arn:aws:kms:${region}:${account}:alias/*`,
      ]),
    ],
  },
  {
    sid: 'ReadRestoredResources',
    commands: ['drill --target aws', 'restore rds|aurora|ebs'],
    accounts: ['restore'],
    actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'ec2:DescribeVolumes', ...READ_SNAPSHOTS],
  },
  // `restore efs`, restore side: restore the copy into a new file system; AWS Backup does the work as
  // AirGapBackupRestoreService, the one role the operator may pass.
  {
    sid: 'ReadEfsRestoreVault',
    commands: ['restore efs'],
    accounts: ['restore'],
    actions: ['backup:DescribeBackupVault'],
    resources: (at) => [efsRestoreVault(at)],
  },
  {
    sid: 'RestoreEfsRecoveryPoints',
    commands: ['restore efs'],
    accounts: ['restore'],
    actions: ['backup:GetRecoveryPointRestoreMetadata', 'backup:StartRestoreJob'],
    resources: recoveryPoints,
  },
  {
    sid: 'FollowEfsRestoreJobs',
    commands: ['restore efs'],
    accounts: ['restore'],
    actions: ['backup:ListRestoreJobs', 'backup:DescribeRestoreJob'],
  },
  {
    sid: 'FindRestoredFileSystems',
    commands: ['restore efs'],
    accounts: ['restore'],
    actions: ['elasticfilesystem:DescribeFileSystems'],
    resources: ({ config, account }) => [
      `arn:aws:elasticfilesystem:${config.vault.region}:${account}:file-system/*`,
    ],
  },
  {
    sid: 'PassBackupRestoreServiceRoleForEfsRestores',
    commands: ['restore efs'],
    accounts: ['restore'],
    actions: ['iam:PassRole'],
    resources: ({ account }) => [`arn:aws:iam::${account}:role/${ROLE_NAMES.backupRestoreService}`],
    conditions: passOnlyToBackup,
  },
  // The drill's clean-up in the restore account: what its restore step created there, and nothing else. The restore
  // role, which restores, deletes nothing; the operator, which deletes these, restores nothing. A vault copy is
  // restored in its own region, so the clean-up deletes in the regions of the vault copies (`vaultKeyRegions`, as
  // AirGapRestore's grants), no other.
  {
    // The drill verifies its restored objects: in its own restore buckets only, never a real restore's.
    sid: 'ReadDrillRestoredObjects',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetObject', 's3:GetObjectVersion'],
    resources: drillRestoreBuckets,
    conditions: inThisAccount,
  },
  {
    // Bucket names only: the clean-up finds the drill's restore buckets by their name.
    sid: 'ListBucketsForDrillCleanUp',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['s3:ListAllMyBuckets'],
  },
  {
    sid: 'RemoveDrillRestoreBuckets',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['s3:DeleteObjectVersion', 's3:DeleteBucket'],
    resources: drillRestoreBuckets,
    conditions: inThisAccount,
  },
  {
    // Restored databases and clusters by the drill's name (a cluster's instance is `<cluster>-1`): RDS cannot tell
    // a tag set at creation from one added later, so a tag alone would not keep real restores out of reach.
    sid: 'RemoveDrillRestoredDatabases',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['rds:DeleteDBInstance', 'rds:DeleteDBCluster'],
    resources: ({ config, account }) =>
      vaultKeyRegions(config).flatMap((region) =>
        ['db', 'cluster'].map((type) => `arn:aws:rds:${region}:${account}:${type}:${DRILL_RESOURCES}`),
      ),
  },
  {
    // The restore account's copies the drill's restores were made from (`airgap-restore-<catalog id>`, named after
    // the vault copy), those tagged with the drill's id only; the vault copy itself stays, locked.
    sid: 'RemoveDrillRestoreCopies',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'],
    resources: ({ config, account }) =>
      vaultKeyRegions(config).flatMap((region) =>
        ['snapshot', 'cluster-snapshot'].map(
          (type) => `arn:aws:rds:${region}:${account}:${type}:airgap-restore-*`,
        ),
      ),
    conditions: carriesDrillTag,
  },
  {
    // EBS picks the ids; the drill tag is set as they are created, and the restore role may tag nothing afterwards.
    sid: 'RemoveDrillRestoredVolumes',
    commands: ['drill --target aws'],
    accounts: ['restore'],
    actions: ['ec2:DeleteVolume', 'ec2:DeleteSnapshot'],
    resources: ({ config, account }) =>
      vaultKeyRegions(config).flatMap((region) => [
        `arn:aws:ec2:${region}:${account}:volume/*`,
        `arn:aws:ec2:${region}::snapshot/*`,
      ]),
    conditions: carriesDrillTag,
  },
];

/** The grants of one kind of account, in table order. */
export function operatorGrants(account: AccountRole): OperatorGrant[] {
  return OPERATOR_GRANTS.filter((g) => g.accounts.includes(account));
}
