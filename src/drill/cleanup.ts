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
  type Tag,
} from '@aws-sdk/client-rds';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../aws/clients.js';
import { protectedBuckets, TAGS, type Config } from '../config/index.js';
import { listVersions } from '../protect/s3/versions.js';

/** The S3 key prefix of one drill's objects on AWS: it carries the drill id, so it never names production keys. */
export const drillPrefix = (id: string) => `airgap-drill/${id}/`;

const carries = (tags: { Key?: string; Value?: string }[] | undefined, id: string) =>
  (tags ?? []).some((t) => t.Key === TAGS.drill && t.Value === id);

/**
 * Deletes what one drill created on AWS, found by its drill tag and nothing else: databases, clusters, volumes and
 * their snapshots in the workload and restore accounts, the drill's object versions in the protected buckets, and
 * the restore buckets. Vault copies stay: they are locked, and expire by retention like any other copy.
 * Returns what it deleted.
 */
export async function cleanUpDrill(clients: AwsClients, config: Config, id: string): Promise<string[]> {
  const deleted: string[] = [];
  const { source, vault } = config.organizations;
  const places = new Map<string, Set<string>>();
  for (const account of [...source.workloadAccounts.map((w) => w.id), vault.restoreAccount])
    places.set(account, new Set([config.vault.region, ...source.regions]));
  for (const [account, regions] of places)
    for (const region of regions) {
      deleted.push(...(await cleanUpRds(clients.for(RDSClient, account, region), id)));
      deleted.push(...(await cleanUpEc2(clients.for(EC2Client, account, region), id)));
    }
  for (const b of protectedBuckets(config))
    deleted.push(...(await cleanUpObjects(clients.for(S3Client, b.account, b.region), b.bucket, id)));
  deleted.push(
    ...(await cleanUpBuckets(clients.for(S3Client, vault.restoreAccount, config.vault.region), id)),
  );
  return deleted;
}

async function cleanUpRds(rds: RDSClient, id: string): Promise<string[]> {
  const out: string[] = [];
  const mine = (tags: Tag[] | undefined) => carries(tags, id);
  for await (const page of paginateDescribeDBInstances({ client: rds }, {}))
    for (const db of (page.DBInstances ?? []).filter((d) => mine(d.TagList))) {
      await rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: db.DBInstanceIdentifier!,
          SkipFinalSnapshot: true,
          DeleteAutomatedBackups: true,
        }),
      );
      out.push(db.DBInstanceArn!);
    }
  for await (const page of paginateDescribeDBClusters({ client: rds }, {}))
    for (const c of (page.DBClusters ?? []).filter((d) => mine(d.TagList))) {
      await rds.send(
        new DeleteDBClusterCommand({ DBClusterIdentifier: c.DBClusterIdentifier!, SkipFinalSnapshot: true }),
      );
      out.push(c.DBClusterArn!);
    }
  for await (const page of paginateDescribeDBSnapshots({ client: rds }, { SnapshotType: 'manual' }))
    for (const s of (page.DBSnapshots ?? []).filter((d) => mine(d.TagList))) {
      await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: s.DBSnapshotIdentifier! }));
      out.push(s.DBSnapshotArn!);
    }
  for await (const page of paginateDescribeDBClusterSnapshots({ client: rds }, { SnapshotType: 'manual' }))
    for (const s of (page.DBClusterSnapshots ?? []).filter((d) => mine(d.TagList))) {
      await rds.send(
        new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: s.DBClusterSnapshotIdentifier! }),
      );
      out.push(s.DBClusterSnapshotArn!);
    }
  return out;
}

async function cleanUpEc2(ec2: EC2Client, id: string): Promise<string[]> {
  const out: string[] = [];
  const Filters = [{ Name: `tag:${TAGS.drill}`, Values: [id] }];
  for await (const page of paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'], Filters }))
    for (const s of (page.Snapshots ?? []).filter((x) => carries(x.Tags, id))) {
      await ec2.send(new DeleteSnapshotCommand({ SnapshotId: s.SnapshotId! }));
      out.push(s.SnapshotId!);
    }
  for await (const page of paginateDescribeVolumes({ client: ec2 }, { Filters }))
    for (const v of (page.Volumes ?? []).filter((x) => carries(x.Tags, id))) {
      await ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId! }));
      out.push(v.VolumeId!);
    }
  return out;
}

/**
 * The drill's versions in a production bucket: only under the drill's own prefix, and of those only versions
 * carrying its tag (delete markers carry no tags: under that prefix, every marker is the drill's own).
 */
async function cleanUpObjects(s3: S3Client, bucket: string, id: string): Promise<string[]> {
  const out: string[] = [];
  for await (const page of listVersions(s3, bucket, drillPrefix(id)))
    for (const v of page) {
      if (!v.deleteMarker) {
        const tags = await s3.send(
          new GetObjectTaggingCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }),
        );
        if (!carries(tags.TagSet, id)) continue;
      }
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }));
      out.push(`s3://${bucket}/${v.key}@${v.versionId}`);
    }
  return out;
}

async function cleanUpBuckets(s3: S3Client, id: string): Promise<string[]> {
  const out: string[] = [];
  const { Buckets } = await s3.send(new ListBucketsCommand({}));
  for (const b of Buckets ?? []) {
    const tags = await s3
      .send(new GetBucketTaggingCommand({ Bucket: b.Name! }))
      .catch(() => ({ TagSet: [] }));
    if (!carries(tags.TagSet, id)) continue;
    for await (const page of listVersions(s3, b.Name!))
      for (const v of page)
        await s3.send(new DeleteObjectCommand({ Bucket: b.Name!, Key: v.key, VersionId: v.versionId }));
    await s3.send(new DeleteBucketCommand({ Bucket: b.Name! }));
    out.push(`s3://${b.Name!}`);
  }
  return out;
}
