import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  GetBucketReplicationCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, type Config, type ProtectedBucket } from '../config/index.js';
import { CANARY_KEY, CANARY_WRITTEN_AT } from '../protect/s3/canary.js';
import { REPLICATION_RULE_ID } from '../protect/s3/replication.js';
import type { CopyObservation } from './model.js';

/**
 * S3 path: the newest canary found in the vault is the newest source write proven replicated; then a fresh
 * canary is written for the next run (so a run measures what replicated since the last one, not its own
 * write). Replication lag and failures come from the S3 replication metrics (needs RTC / metrics on the rule).
 */
export function s3Reader(opts: { writeCanary: boolean }) {
  return async (clients: AwsClients, config: Config, now: Date): Promise<CopyObservation[]> =>
    Promise.all(protectedBuckets(config).map((b) => readBucket(clients, config, b, now, opts.writeCanary)));
}

async function readBucket(
  clients: AwsClients,
  config: Config,
  bucket: ProtectedBucket,
  now: Date,
  writeCanary: boolean,
): Promise<CopyObservation> {
  const source = clients.for(S3Client, bucket.account, bucket.region);
  const vault = clients.for(S3Client, config.organizations.vault.vaultAccount, config.vault.region);
  const detail: string[] = [];
  const rule = await source
    .send(new GetBucketReplicationCommand({ Bucket: bucket.bucket }))
    .then((r) => r.ReplicationConfiguration?.Rules?.find((x) => x.ID === REPLICATION_RULE_ID))
    .catch(() => undefined);
  detail.push(
    rule
      ? `replication rule ${rule.Status === 'Enabled' ? 'enabled' : 'DISABLED'}`
      : 'replication rule MISSING',
  );
  const canary = await vault
    .send(new HeadObjectCommand({ Bucket: bucket.vaultBucket, Key: CANARY_KEY }))
    .then((h) => h.Metadata?.[CANARY_WRITTEN_AT])
    .catch(() => undefined);
  const newestCopyAt = canary ? new Date(canary) : undefined;
  detail.push(canary ? `canary written ${canary} is in the vault` : 'no canary has reached the vault');
  if (writeCanary)
    await source.send(
      new PutObjectCommand({
        Bucket: bucket.bucket,
        Key: CANARY_KEY,
        Body: now.toISOString(),
        Metadata: { [CANARY_WRITTEN_AT]: now.toISOString() },
      }),
    );
  if (config.replication.replicationTimeControl)
    detail.push(...(await replicationMetrics(clients, bucket, now)));
  return {
    service: 's3',
    resource: bucket.bucket,
    account: bucket.account,
    path: 's3-replication',
    newestCopyAt,
    retentionDays: config.vault.retention.days,
    detail,
  };
}

/** Last 15 minutes of ReplicationLatency (max) and OperationsFailedReplication (sum) of the airgap rule. */
async function replicationMetrics(
  clients: AwsClients,
  bucket: ProtectedBucket,
  now: Date,
): Promise<string[]> {
  const dimensions = [
    { Name: 'SourceBucket', Value: bucket.bucket },
    { Name: 'DestinationBucket', Value: bucket.vaultBucket },
    { Name: 'RuleId', Value: REPLICATION_RULE_ID },
  ];
  const query = (id: string, metric: string, stat: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/S3', MetricName: metric, Dimensions: dimensions },
      Period: 900,
      Stat: stat,
    },
  });
  const cw = clients.for(CloudWatchClient, bucket.account, bucket.region);
  const res = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(now.getTime() - 15 * 60_000),
      EndTime: now,
      MetricDataQueries: [
        query('latency', 'ReplicationLatency', 'Maximum'),
        query('failed', 'OperationsFailedReplication', 'Sum'),
      ],
    }),
  );
  const value = (id: string) => res.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0];
  const latency = value('latency');
  const failed = value('failed');
  return [
    latency === undefined
      ? 'replication latency: no datapoint in 15 min'
      : `replication latency ${Math.round(latency)} s`,
    ...(failed ? [`${failed} replication operations FAILED in 15 min`] : []),
  ];
}
