import type { Config } from './schema.js';

/**
 * Organizations (a global service) delivers its CloudTrail events to EventBridge in us-east-1 only, so the
 * governance stack that watches guardrail changes, and the organization trail beside it, live there.
 */
export const GOVERNANCE_REGION = 'us-east-1';

/**
 * Names that infrastructure, runtime, proof and sandbox must agree on. Deterministic from the config,
 * so no component needs to look another one up.
 */
export const ROLE_NAMES = {
  /** Source accounts: assumed by S3 to replicate protected buckets into the vault. */
  replication: 'AirGapReplication',
  /** Source accounts: assumed by S3 Batch Operations to backfill protected buckets (Batch Replication). */
  batchReplication: 'AirGapBatchReplication',
  /** Source accounts: shares new snapshots with the vault account. */
  snapshotSharer: 'AirGapSnapshotSharer',
  /** Vault account: copies shared snapshots under the vault key. */
  snapshotCopier: 'AirGapSnapshotCopier',
  /** Vault account: the one principal the SCPs let delete expired vault copies. */
  retention: 'AirGapRetention',
  /**
   * Vault account: the scheduled drift audit's function role; every other audited account: its read role, trusted
   * by that function role only.
   */
  auditor: 'AirGapAuditor',
  /** Restore account: restores vault data into this account. */
  restore: 'AirGapRestore',
  /** Every account: the role the `airgap` CLI assumes to operate (read, copy, restore) on AWS. */
  operator: 'AirGapOperator',
  /** Workload accounts: the service role AWS Backup assumes to back up and copy protected resources. */
  backupService: 'AirGapBackupService',
  /** Restore account: the service role AWS Backup assumes to create restored resources (passed by the restore role). */
  backupRestoreService: 'AirGapBackupRestoreService',
  /** Restore account: the restore testing validation function (checks restored resources, reports to AWS Backup). */
  restoreValidator: 'AirGapRestoreValidator',
  /** Vault organization: the default name of the break-glass path for humans (access.breakGlassRole). */
  breakGlass: 'AirGapBreakGlass',
  /** Vault account: the Step Functions copy workflow, and EventBridge starting it (service roles, named for the SCPs). */
  copyWorkflow: 'AirGapCopyFlow',
  copyWorkflowStart: 'AirGapCopyFlowStart',
  /**
   * Vault account: the restore workflow's function (shares a vault copy with the restore account, grants the vault
   * key); restore account: the role of the same name that function assumes there to copy and restore.
   */
  restoreWorkflow: 'AirGapRestoreFlow',
  /** Vault account: the restore workflow's Step Functions state machine (a service role, named for the SCPs). */
  restoreWorkflowStates: 'AirGapRestoreFlowStates',
  /** Vault account: reads the recovery catalog on a schedule and publishes RPO breaches and recovery point ages. */
  rpoMonitor: 'AirGapRpoMonitor',
  /** Vault organization: the role AWS Config records each account's configuration with. */
  configRecorder: 'AirGapConfigRecorder',
  /** Source accounts: assumed by EFS to replicate protected file systems into their vault replicas. */
  efsReplication: 'AirGapEfsReplication',
  /** Vault account: the service role AWS Backup backs up the EFS replicas with. */
  vaultBackup: 'AirGapVaultBackup',
  /** Log archive: assumed by S3 to copy Config files from their delivery bucket into the locked archive bucket. */
  logReplication: 'AirGapLogReplication',
} as const;

export type RoleKey = keyof typeof ROLE_NAMES;

/**
 * Roles of the vault organization that only AWS services assume (Lambda, EventBridge, Config): exempt by name
 * from the human-access conditions (MFA, source IP), since a function calls from AWS's addresses without MFA.
 * A new service role of the vault organization belongs here; a role people assume never does.
 */
export const VAULT_SERVICE_ROLES: readonly RoleKey[] = [
  'snapshotCopier',
  'retention',
  'configRecorder',
  'backupRestoreService',
  'restoreValidator',
  'copyWorkflow',
  'copyWorkflowStart',
  'restoreWorkflow',
  'restoreWorkflowStates',
  'rpoMonitor',
  'auditor',
  'vaultBackup',
  'logReplication',
];

export function roleArn(account: string, role: RoleKey): string {
  return `arn:aws:iam::${account}:role/${ROLE_NAMES[role]}`;
}

export function stackName(config: Config, role: string): string {
  return `${config.name}-airgap-${role}`;
}

/** Names derive from the deployment name alone, so a Lambda function needs only that to find them. */
type Named = Pick<Config, 'name'>;

export const RESOURCE_NAMES = {
  catalogTable: (config: Named) => `${config.name}-airgap-catalog`,
  eventBus: (config: Named) => `${config.name}-airgap-vault`,
  /** Vault account, vault region: the snapshot restore workflow (Step Functions) that `restore … --workflow` starts. */
  restoreWorkflow: (config: Named) => `${config.name}-airgap-restore`,
  alertTopic: (config: Named) => `${config.name}-airgap-alerts`,
  /** Restore account: alerts on failed restore tests of the AWS Backup path. */
  restoreTestAlertTopic: (config: Named) => `${config.name}-airgap-restore-test-alerts`,
  vaultKeyAlias: (config: Named) => `alias/${config.name}-airgap-vault`,
  /** Vault account: the recovery catalog's own key (the catalog is metadata: its readers never hold the vault key). */
  catalogKeyAlias: (config: Named) => `alias/${config.name}-airgap-catalog`,
  sourceKeyAlias: (config: Named) => `alias/${config.name}-airgap-source`,
  restoreKeyAlias: (config: Named) => `alias/${config.name}-airgap-restore`,
  /** AWS Backup path: the vault of each workload account (first layer). */
  localBackupVault: (config: Config) => `${config.name}-airgap-local`,
  /** AWS Backup path: the vault of the backup account (second layer). */
  backupAccountVault: (config: Config) => `${config.name}-airgap-backup`,
  /** AWS Backup path: the logically air-gapped vault of the air-gap account (third layer). */
  airGapVault: (config: Config) => `${config.name}-airgap-lag`,
  backupPlan: (config: Config) => `${config.name}-airgap`,
  /** AWS Backup path: Backup Audit Manager reports of every source account, in the backup account. */
  backupReportsBucket: (config: Config, account: string) => `${config.name}-airgap-reports-${account}`,
  logKeyAlias: (config: Config) => `alias/${config.name}-airgap-logs`,
  /** Globally unique: S3 bucket names are; the log archive account and vault region make it so. */
  logArchiveBucket: (config: Config, account: string) =>
    `${config.name}-airgap-logs-${account}-${config.vault.region}`,
  /**
   * Log archive: where Config delivers (AWS Config refuses an Object Lock bucket); replicated into logArchiveBucket.
   * At most 63 characters, as S3 allows, with the longest name and region.
   */
  configDeliveryBucket: (config: Config, account: string) =>
    `${config.name}-airgap-config-${account}-${config.vault.region}`,
  organizationTrail: (config: Config) => `${config.name}-airgap-organization`,
  /** Vault account: the locked backup vault of the EFS replicas' recovery points, and its plan. */
  efsReplicaBackupVault: (config: Named) => `${config.name}-airgap-efs-replicas`,
  /** The restore account's backup vault that EFS recovery points are copied into to be restored there. */
  efsRestoreBackupVault: (config: Named) => `${config.name}-airgap-efs-restore`,
  /**
   * Drill reports in the vault account, under Object Lock: outside the vault-bucket prefix the SCPs freeze, so
   * the operator may add evidence to it (and nobody may remove any).
   */
  evidenceBucket: (config: Config) =>
    `${config.name}-airgap-evidence-${config.organizations.vault.vaultAccount}`,
} as const;

/** Tags that every vault copy carries (snapshots, recovery points), read by retention, status and restore. */
export const TAGS = {
  sourceArn: 'airgap:source-arn',
  sourceAccount: 'airgap:source-account',
  createdAt: 'airgap:created-at',
  retainUntil: 'airgap:retain-until',
  drill: 'airgap:drill',
  /** On a restored DB, cluster or volume: the catalog id of the vault copy it came from. */
  restoredFrom: 'airgap:restored-from',
} as const;
