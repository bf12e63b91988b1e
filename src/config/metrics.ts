/**
 * The metrics the vault publishes about itself: the one contract between the runtime that emits them (status
 * canary, copier, restore, audit) and the alarms and dashboard that read them. They live in the vault account,
 * not in a source account an attacker controls (S3's own replication metrics are published in the source).
 * Each is published with exactly its dimensions (the last names the bucket or resource), so one Metrics Insights
 * query over them covers every resource.
 */
export const METRIC_NAMESPACE = 'AirGapRecover';

export const METRICS = {
  /** Status canary: seconds between writing the canary into a protected bucket and seeing it in the vault. */
  replicationLag: { name: 'ReplicationLagSeconds', dimensions: ['SourceBucket'], unit: 'Seconds' },
  /** S3 replication operations that failed, per protected bucket. */
  replicationFailed: { name: 'ReplicationOperationsFailed', dimensions: ['SourceBucket'], unit: 'Count' },
  /**
   * Copier: snapshot copies into the vault that failed, per protected resource ARN (the DB instance, cluster or
   * volume, never the snapshot: the dashboard draws a line per resource, as it does for RecoveryPointAgeMinutes).
   */
  copyFailures: {
    name: 'SnapshotCopyFailures',
    dimensions: ['Service', 'ProtectedResource'],
    unit: 'Count',
  },
  /** Copier: per run, copies started, completed (locked and catalogued), and deferred to a later run. */
  copiesStarted: { name: 'SnapshotCopiesStarted', dimensions: ['Deployment'], unit: 'Count' },
  copiesCompleted: { name: 'SnapshotCopiesCompleted', dimensions: ['Deployment'], unit: 'Count' },
  copiesDeferred: { name: 'SnapshotCopiesDeferred', dimensions: ['Deployment'], unit: 'Count' },
  /** Share function (in each workload account): snapshots shared, re-copied to be shared, or refused, per action. */
  shares: { name: 'SnapshotShares', dimensions: ['Deployment', 'Action'], unit: 'Count' },
  /** Retention sweeper: per run, expired vault copies deleted, and copies kept for a missing or malformed tag. */
  expiredDeleted: { name: 'VaultCopiesExpiredDeleted', dimensions: ['Deployment'], unit: 'Count' },
  malformedRetention: {
    name: 'VaultCopiesMalformedRetention',
    dimensions: ['Deployment'],
    unit: 'Count',
  },
  /** Status: protected resources without a vault copy within their RPO, per service. */
  rpoBreaches: { name: 'RpoBreaches', dimensions: ['Service'], unit: 'Count' },
  /** Status: age of the newest vault copy, per protected resource ARN (the RPO actually held). */
  recoveryPointAge: {
    name: 'RecoveryPointAgeMinutes',
    dimensions: ['Service', 'ProtectedResource'],
    unit: 'None',
  },
  /**
   * Restore workflow: snapshot restores that failed (a failed copy or restore, a refused target, a missing restore
   * key, or still unfinished at the last run), per service; and restores that completed.
   */
  restoreFailures: { name: 'RestoreFailures', dimensions: ['Service'], unit: 'Count' },
  restoresCompleted: { name: 'SnapshotRestoresCompleted', dimensions: ['Service'], unit: 'Count' },
  /** Restore testing (restore account): restored test resources whose validation failed, per AWS Backup resource type. */
  restoreTestFailures: { name: 'RestoreTestFailures', dimensions: ['ResourceType'], unit: 'Count' },
  /** Restore testing (restore account): restored test resources that passed validation, per AWS Backup resource type. */
  restoreTestsPassed: { name: 'RestoreTestsPassed', dimensions: ['ResourceType'], unit: 'Count' },
  /** Audit: controls that failed in a run, per deployment (config `name`). */
  auditFailedControls: { name: 'AuditFailedControls', dimensions: ['Deployment'], unit: 'Count' },
} as const;

export type MetricKey = keyof typeof METRICS;
