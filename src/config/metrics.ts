/**
 * Metrics the vault publishes about itself, so alarms live in the vault account and not in a source
 * account an attacker controls (S3's own replication metrics are published in the source account).
 */
export const METRIC_NAMESPACE = 'AirGapRecover';

/** Metric names and the dimension each is published with; the status canary and the copier emit them. */
export const METRICS = {
  replicationLag: { name: 'ReplicationLagSeconds', dimension: 'SourceBucket' },
  replicationFailed: { name: 'ReplicationOperationsFailed', dimension: 'SourceBucket' },
  copyFailures: { name: 'SnapshotCopyFailures', dimension: 'SourceResource' },
  rpoBreaches: { name: 'RpoBreaches', dimension: 'Service' },
} as const;
