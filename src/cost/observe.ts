import { CloudWatchClient, GetMetricStatisticsCommand, type Dimension } from '@aws-sdk/client-cloudwatch';
import { DescribeVolumesCommand, EC2Client, type Filter } from '@aws-sdk/client-ec2';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/index.js';
import { protectedBuckets } from '../config/plan.js';
import type { ResourceSize, Sizes } from './sizes.js';

const GIB = 1024 ** 3;
/** S3 storage metrics and Aurora's volume size are daily: the newest of the last three days. */
const LOOKBACK_MS = 3 * 86_400_000;

/** The newest daily average of one CloudWatch metric, or undefined when it has no data point. */
async function newestDaily(
  cw: CloudWatchClient,
  namespace: string,
  metric: string,
  dimensions: Dimension[],
  now: Date,
): Promise<number | undefined> {
  const { Datapoints } = await cw.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: metric,
      Dimensions: dimensions,
      StartTime: new Date(now.getTime() - LOOKBACK_MS),
      EndTime: now,
      Period: 86_400,
      Statistics: ['Average'],
    }),
  );
  const newest = (Datapoints ?? [])
    .filter((d) => d.Timestamp && d.Average !== undefined)
    .sort((a, b) => b.Timestamp!.getTime() - a.Timestamp!.getTime())[0];
  return newest?.Average;
}

const gib = (bytes: number) => Math.round((bytes / GIB) * 100) / 100;

/**
 * Sizes read from the accounts: S3 buckets from their daily storage metrics (BucketSizeBytes of Standard storage,
 * NumberOfObjects), RDS instances from their allocated storage, Aurora clusters from VolumeBytesUsed, EBS volumes
 * (by id or by the selector's tags) from their size, EFS file systems (by id or ARN) from their metered size. Change rates (S3 writes, daily block changes) are not
 * observable this way: `--sizes` supplies them. A resource with nothing to read is left out, never guessed.
 */
export async function observeSizes(clients: AwsClients, config: Config, now = new Date()): Promise<Sizes> {
  const first = config.organizations.source.regions[0]!;
  const sizes: Required<Pick<Sizes, 's3' | 'rds' | 'aurora' | 'ebs' | 'efs'>> = {
    s3: {},
    rds: {},
    aurora: {},
    ebs: {},
    efs: {},
  };
  for (const b of protectedBuckets(config)) {
    const cw = clients.for(CloudWatchClient, b.account, b.region);
    const bucket = { Name: 'BucketName', Value: b.bucket };
    const [bytes, objects] = await Promise.all([
      newestDaily(
        cw,
        'AWS/S3',
        'BucketSizeBytes',
        [bucket, { Name: 'StorageType', Value: 'StandardStorage' }],
        now,
      ),
      newestDaily(
        cw,
        'AWS/S3',
        'NumberOfObjects',
        [bucket, { Name: 'StorageType', Value: 'AllStorageTypes' }],
        now,
      ),
    ]);
    if (bytes !== undefined)
      sizes.s3[b.bucket] = {
        storedGiB: gib(bytes),
        ...(objects !== undefined ? { objects: Math.round(objects) } : {}),
      };
  }
  for (const sel of config.protect.rds) {
    const rds = clients.for(RDSClient, sel.account, sel.region ?? first);
    for (const id of sel.names ?? []) {
      const found = await rds
        .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
        .then((r) => r.DBInstances?.[0], notFound);
      if (found?.AllocatedStorage !== undefined) sizes.rds[id] = { storedGiB: found.AllocatedStorage };
    }
  }
  for (const sel of config.protect.aurora) {
    const cw = clients.for(CloudWatchClient, sel.account, sel.region ?? first);
    for (const id of sel.names ?? []) {
      const bytes = await newestDaily(
        cw,
        'AWS/RDS',
        'VolumeBytesUsed',
        [{ Name: 'DBClusterIdentifier', Value: id }],
        now,
      );
      if (bytes !== undefined) sizes.aurora[id] = { storedGiB: gib(bytes) };
    }
  }
  for (const sel of config.protect.ebs) {
    const ec2 = clients.for(EC2Client, sel.account, sel.region ?? first);
    const byTags: Filter[] = Object.entries(sel.tags ?? {}).map(([k, v]) => ({
      Name: `tag:${k}`,
      Values: [v],
    }));
    const queries = [
      ...(sel.names?.length ? [{ VolumeIds: sel.names }] : []),
      ...(byTags.length ? [{ Filters: byTags }] : []),
    ];
    for (const q of queries)
      for (const v of (await ec2.send(new DescribeVolumesCommand(q)).then((r) => r.Volumes, notFound)) ?? [])
        if (v.VolumeId && v.Size !== undefined) sizes.ebs[v.VolumeId] = { storedGiB: v.Size };
  }
  for (const sel of config.protect.efs) {
    // An ARN names its own account and region; an id is the selector's.
    const named = [
      ...(sel.names ?? []).map((name) => ({ name, account: sel.account, region: sel.region ?? first })),
      ...(sel.arns ?? []).map((name) => ({
        name,
        account: name.split(':')[4]!,
        region: name.split(':')[3]!,
      })),
    ];
    for (const { name, account, region } of named) {
      const found = await clients
        .for(EFSClient, account, region)
        .send(new DescribeFileSystemsCommand({ FileSystemId: name.split('/').pop()! }))
        .then((r) => r.FileSystems?.[0], notFound);
      if (found?.SizeInBytes?.Value !== undefined)
        sizes.efs[name] = { storedGiB: gib(found.SizeInBytes.Value) };
    }
  }
  return sizes;
}

/** A resource the config names but the account does not hold is not an error here: it is left unsized. */
function notFound(e: unknown): undefined {
  if (/NotFound/.test((e as { name?: string }).name ?? '')) return undefined;
  throw e;
}

/** Pure: observed sizes with the `--sizes` file on top, field by field (a given value always wins). */
export function withOverrides(observed: Sizes, given: Sizes): Sizes {
  const out: Sizes = {};
  for (const service of new Set([...Object.keys(observed), ...Object.keys(given)]) as Set<keyof Sizes>) {
    const names = new Set([...Object.keys(observed[service] ?? {}), ...Object.keys(given[service] ?? {})]);
    const merged: Record<string, ResourceSize> = {};
    for (const name of names) {
      const o = observed[service]?.[name];
      const g = given[service]?.[name];
      merged[name] = { ...o, ...g } as ResourceSize;
    }
    out[service] = merged;
  }
  return out;
}
