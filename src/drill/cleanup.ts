import {
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  EC2Client,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import {
  DeleteDBClusterCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectTaggingCommand,
  paginateListBuckets,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, TAGS, type Config } from '../config/index.js';
import { listVersions } from '../protect/s3/versions.js';
import { drillName, drillPrefix } from './prefix.js';
import { errorLine } from '../errors.js';

/** What clean-up deleted, and each thing it could not delete or list, with AWS's reason. */
export interface CleanUpReport {
  deleted: string[];
  failed: { resource: string; error: string }[];
}

type TagLike = { Key?: string; Value?: string };

/** One resource a listing found: its name in the report, whether it is this drill's, and how to delete it. */
interface Found {
  name: string;
  mine(): boolean | Promise<boolean>;
  remove(): Promise<unknown>;
}

const carries = (tags: TagLike[] | undefined, id: string) =>
  (tags ?? []).some((t) => t.Key === TAGS.drill && t.Value === id);

/**
 * Deletes what one drill created on AWS, found by its drill tag and nothing else: databases, clusters, volumes and
 * their snapshots in the workload and restore accounts, the drill's object versions in the protected buckets; and
 * the restore buckets, by their drill name. Vault copies stay: they are locked, and expire by retention like any other copy.
 * A failure never stops it: every resource is tried, and each one it could not delete (or list) is reported.
 */
export async function cleanUpDrill(clients: AwsClients, config: Config, id: string): Promise<CleanUpReport> {
  const report: CleanUpReport = { deleted: [], failed: [] };
  const { source, vault } = config.organizations;
  const regions = [...new Set([config.vault.region, ...source.regions])];
  for (const account of [...source.workloadAccounts.map((w) => w.id), vault.restoreAccount])
    for (const region of regions) {
      const rds = clients.for(RDSClient, account, region);
      const ec2 = clients.for(EC2Client, account, region);
      // Instances before their clusters: AWS deletes a cluster only once its instances are deleting.
      for (const [what, list] of [...rdsListings(rds, id), ...ec2Listings(ec2, id)])
        await sweep(report, `${what} in ${account}/${region}`, list);
    }
  for (const b of protectedBuckets(config)) {
    const s3 = clients.for(S3Client, b.account, b.region);
    await sweep(report, `objects of s3://${b.bucket}`, () => drillObjects(s3, b.bucket, id));
  }
  const restoreS3 = clients.for(S3Client, vault.restoreAccount, config.vault.region);
  await sweep(report, `restore buckets in ${vault.restoreAccount}`, () => restoreBuckets(restoreS3, id));
  return report;
}

async function sweep(report: CleanUpReport, what: string, list: () => AsyncIterable<Found[]>) {
  try {
    for await (const page of list())
      for (const f of page) {
        try {
          if (!(await f.mine())) continue;
          await f.remove();
          report.deleted.push(f.name);
        } catch (e) {
          report.failed.push({ resource: f.name, error: errorLine(e) });
        }
      }
  } catch (e) {
    report.failed.push({ resource: `${what} (listing)`, error: errorLine(e) });
  }
}

type Listing = [what: string, list: () => AsyncIterable<Found[]>];

function rdsListings(rds: RDSClient, id: string): Listing[] {
  const client = { client: rds };
  const manual = { SnapshotType: 'manual' };
  return [
    [
      'DB instances',
      () =>
        pages(
          paginateDescribeDBInstances(client, {}),
          (p) => p.DBInstances,
          (d) => ({
            name: d.DBInstanceArn!,
            mine: () => carries(d.TagList, id),
            remove: () =>
              rds.send(
                new DeleteDBInstanceCommand({
                  DBInstanceIdentifier: d.DBInstanceIdentifier!,
                  SkipFinalSnapshot: true,
                  DeleteAutomatedBackups: true,
                }),
              ),
          }),
        ),
    ],
    [
      'DB clusters',
      () =>
        pages(
          paginateDescribeDBClusters(client, {}),
          (p) => p.DBClusters,
          (c) => ({
            name: c.DBClusterArn!,
            mine: () => carries(c.TagList, id),
            remove: () =>
              rds.send(
                new DeleteDBClusterCommand({
                  DBClusterIdentifier: c.DBClusterIdentifier!,
                  SkipFinalSnapshot: true,
                }),
              ),
          }),
        ),
    ],
    [
      'DB snapshots',
      () =>
        pages(
          paginateDescribeDBSnapshots(client, manual),
          (p) => p.DBSnapshots,
          (s) => ({
            name: s.DBSnapshotArn!,
            mine: () => carries(s.TagList, id),
            remove: () =>
              rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: s.DBSnapshotIdentifier! })),
          }),
        ),
    ],
    [
      'DB cluster snapshots',
      () =>
        pages(
          paginateDescribeDBClusterSnapshots(client, manual),
          (p) => p.DBClusterSnapshots,
          (s) => ({
            name: s.DBClusterSnapshotArn!,
            mine: () => carries(s.TagList, id),
            remove: () =>
              rds.send(
                new DeleteDBClusterSnapshotCommand({
                  DBClusterSnapshotIdentifier: s.DBClusterSnapshotIdentifier!,
                }),
              ),
          }),
        ),
    ],
  ];
}

function ec2Listings(ec2: EC2Client, id: string): Listing[] {
  const Filters = [{ Name: `tag:${TAGS.drill}`, Values: [id] }];
  return [
    [
      'EBS snapshots',
      () =>
        pages(
          paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'], Filters }),
          (p) => p.Snapshots,
          (s) => ({
            name: s.SnapshotId!,
            // The filter asks AWS for tagged ones; the check holds even where a filter is ignored.
            mine: () => carries(s.Tags, id),
            remove: () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId! })),
          }),
        ),
    ],
    [
      'EBS volumes',
      () =>
        pages(
          paginateDescribeVolumes({ client: ec2 }, { Filters }),
          (p) => p.Volumes,
          (v) => ({
            name: v.VolumeId!,
            mine: () => carries(v.Tags, id),
            remove: () => ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId! })),
          }),
        ),
    ],
  ];
}

async function* pages<P, T>(
  paginator: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
  found: (item: T) => Found,
): AsyncGenerator<Found[]> {
  for await (const page of paginator) yield (items(page) ?? []).map(found);
}

/**
 * The drill's versions in a production bucket: only under the drill's own prefix, and of those only versions
 * carrying its tag (delete markers carry no tags: under that prefix, which holds the drill id, every marker is
 * the drill's own).
 */
async function* drillObjects(s3: S3Client, bucket: string, id: string): AsyncGenerator<Found[]> {
  for await (const page of listVersions(s3, bucket, drillPrefix(id)))
    yield page.map((v) => ({
      name: `s3://${bucket}/${v.key}@${v.versionId}`,
      mine: async () =>
        v.deleteMarker ||
        carries(
          (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId })))
            .TagSet,
          id,
        ),
      remove: () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId })),
    }));
}

/**
 * The drill's restore buckets: named `airgap-drill-<id>-…` (a name no other restore takes, and the only buckets the
 * operator may delete in the restore account), emptied then deleted; no other bucket is read.
 */
async function* restoreBuckets(s3: S3Client, id: string): AsyncGenerator<Found[]> {
  const Prefix = drillName(id, '');
  for await (const page of paginateListBuckets({ client: s3 }, { Prefix }))
    yield (page.Buckets ?? []).map((b) => ({
      name: `s3://${b.Name!}`,
      // The prefix asks S3 for the drill's own; the check holds even where the prefix is ignored.
      mine: () => b.Name!.startsWith(Prefix),
      remove: async () => {
        for await (const versions of listVersions(s3, b.Name!))
          for (const v of versions)
            await s3.send(new DeleteObjectCommand({ Bucket: b.Name!, Key: v.key, VersionId: v.versionId }));
        await s3.send(new DeleteBucketCommand({ Bucket: b.Name! }));
      },
    }));
}
