import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  type DBCluster,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
  type RDSClient,
  type Tag,
} from '@aws-sdk/client-rds';
import type {
  CopyTarget,
  OwnedSnapshot,
  RestoredResource,
  RestoreTarget,
  SourceResource,
} from '../snapshots/model.js';

/** One snapshot, instance or cluster, reduced to what the copier, the share step and the restore read. */
export interface RdsSnapshot {
  id: string;
  arn: string;
  status: string;
  resource: string;
  type: OwnedSnapshot['type'];
  createdAt: Date | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  sizeGiB: number;
  engine: string | undefined;
  tags: Record<string, string>;
}

export const tagMap = (tags: Tag[] | undefined) =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));

export const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export const ownerOf = (arn: string | undefined) => arn?.split(':')[4];

const snapshotType = (t: string | undefined): OwnedSnapshot['type'] =>
  t === 'automated' ? 'automated' : t === 'awsbackup' ? 'awsbackup' : 'manual';

const fromInstance = (s: DBSnapshot, region: string, owner: string): RdsSnapshot => ({
  id: s.DBSnapshotIdentifier!,
  arn: s.DBSnapshotArn!,
  status: s.Status ?? 'unknown',
  resource: `arn:aws:rds:${region}:${owner}:db:${s.DBInstanceIdentifier}`,
  type: snapshotType(s.SnapshotType),
  // A copy keeps the original's time here: what a vault copy proves is the time the source was snapshotted.
  createdAt: s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime,
  encrypted: s.Encrypted ?? false,
  kmsKeyId: s.KmsKeyId,
  sizeGiB: s.AllocatedStorage ?? 1,
  engine: s.Engine,
  tags: tagMap(s.TagList),
});

const fromCluster = (s: DBClusterSnapshot, region: string, owner: string): RdsSnapshot => ({
  id: s.DBClusterSnapshotIdentifier!,
  arn: s.DBClusterSnapshotArn!,
  status: s.Status ?? 'unknown',
  resource: `arn:aws:rds:${region}:${owner}:cluster:${s.DBClusterIdentifier}`,
  type: snapshotType(s.SnapshotType),
  createdAt: s.SnapshotCreateTime,
  encrypted: s.StorageEncrypted ?? false,
  kmsKeyId: s.KmsKeyId,
  sizeGiB: s.AllocatedStorage || 1,
  engine: s.Engine,
  tags: tagMap(s.TagList),
});

/** The instance and cluster variants differ only in these calls: one table each, one implementation. */
export interface Kind {
  service: 'rds' | 'aurora';
  describe(
    rds: RDSClient,
    input: { id?: string; shared?: boolean },
    region: string,
    owner: string,
  ): Promise<RdsSnapshot[]>;
  copy(rds: RDSClient, sourceArn: string, target: CopyTarget): Promise<RdsSnapshot>;
  remove(rds: RDSClient, id: string): Promise<void>;
  share(rds: RDSClient, id: string, account: string): Promise<void>;
  sharedWith(rds: RDSClient, id: string): Promise<string[]>;
  resources(rds: RDSClient, region: string, owner: string): Promise<SourceResource[]>;
  findRestored(rds: RDSClient, name: string): Promise<RestoredResource | undefined>;
  restore(rds: RDSClient, snapshot: RdsSnapshot, target: RestoreTarget): Promise<RestoredResource>;
}

const isNotFound = (e: unknown) => /NotFound/.test((e as Error).name);
const notFoundIsNone = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch((e: unknown) => {
    if (isNotFound(e)) return undefined;
    throw e;
  });

const instanceResource = (d: DBInstance, region: string, owner: string): SourceResource => ({
  service: 'rds',
  arn: d.DBInstanceArn ?? `arn:aws:rds:${region}:${owner}:db:${d.DBInstanceIdentifier}`,
  name: d.DBInstanceIdentifier!,
  account: owner,
  region,
  tags: tagMap(d.TagList),
  encrypted: d.StorageEncrypted ?? false,
  kmsKeyId: d.KmsKeyId,
});

const clusterResource = (c: DBCluster, region: string, owner: string): SourceResource => ({
  service: 'aurora',
  arn: c.DBClusterArn ?? `arn:aws:rds:${region}:${owner}:cluster:${c.DBClusterIdentifier}`,
  name: c.DBClusterIdentifier!,
  account: owner,
  region,
  tags: tagMap(c.TagList),
  encrypted: c.StorageEncrypted ?? false,
  kmsKeyId: c.KmsKeyId,
});

export const INSTANCE: Kind = {
  service: 'rds',
  async describe(rds, { id, shared }, region, owner) {
    const out = await rds.send(
      new DescribeDBSnapshotsCommand(
        shared ? { SnapshotType: 'shared', IncludeShared: true } : { DBSnapshotIdentifier: id },
      ),
    );
    return (out.DBSnapshots ?? []).map((s) => fromInstance(s, region, ownerOf(s.DBSnapshotArn) ?? owner));
  },
  async copy(rds, sourceArn, t) {
    const out = await rds.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: sourceArn,
        TargetDBSnapshotIdentifier: t.id,
        KmsKeyId: t.kmsKeyArn,
        Tags: tagList(t.tags),
      }),
    );
    return fromInstance(out.DBSnapshot!, t.region, t.account);
  },
  async remove(rds, id) {
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
  },
  async share(rds, id, account) {
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: id,
        AttributeName: 'restore',
        ValuesToAdd: [account],
      }),
    );
  },
  async sharedWith(rds, id) {
    const out = await rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }));
    const attrs = out.DBSnapshotAttributesResult?.DBSnapshotAttributes ?? [];
    return attrs.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [];
  },
  async resources(rds, region, owner) {
    const out: SourceResource[] = [];
    for await (const page of paginateDescribeDBInstances({ client: rds }, {}))
      // Aurora members are instances too; their cluster is the protected resource.
      for (const d of page.DBInstances ?? [])
        if (!d.DBClusterIdentifier) out.push(instanceResource(d, region, owner));
    return out;
  },
  async findRestored(rds, name) {
    const out = await notFoundIsNone(
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name })),
    );
    const d = out?.DBInstances?.[0];
    return d
      ? { arn: d.DBInstanceArn!, id: name, status: d.DBInstanceStatus ?? 'unknown', tags: tagMap(d.TagList) }
      : undefined;
  },
  async restore(rds, snapshot, target) {
    const out = await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: target.name,
        DBSnapshotIdentifier: snapshot.id,
        PubliclyAccessible: false,
        Tags: tagList(target.tags),
      }),
    );
    const d = out.DBInstance!;
    return {
      arn: d.DBInstanceArn!,
      id: target.name,
      status: d.DBInstanceStatus ?? 'creating',
      tags: target.tags,
    };
  },
};

export const CLUSTER: Kind = {
  service: 'aurora',
  async describe(rds, { id, shared }, region, owner) {
    const out = await rds.send(
      new DescribeDBClusterSnapshotsCommand(
        shared ? { SnapshotType: 'shared', IncludeShared: true } : { DBClusterSnapshotIdentifier: id },
      ),
    );
    return (out.DBClusterSnapshots ?? []).map((s) =>
      fromCluster(s, region, ownerOf(s.DBClusterSnapshotArn) ?? owner),
    );
  },
  async copy(rds, sourceArn, t) {
    const out = await rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: sourceArn,
        TargetDBClusterSnapshotIdentifier: t.id,
        KmsKeyId: t.kmsKeyArn,
        Tags: tagList(t.tags),
      }),
    );
    return fromCluster(out.DBClusterSnapshot!, t.region, t.account);
  },
  async remove(rds, id) {
    await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }));
  },
  async share(rds, id, account) {
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: id,
        AttributeName: 'restore',
        ValuesToAdd: [account],
      }),
    );
  },
  async sharedWith(rds, id) {
    const out = await rds.send(
      new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }),
    );
    const attrs = out.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes ?? [];
    return attrs.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [];
  },
  async resources(rds, region, owner) {
    const out: SourceResource[] = [];
    for await (const page of paginateDescribeDBClusters({ client: rds }, {}))
      for (const c of page.DBClusters ?? []) out.push(clusterResource(c, region, owner));
    return out;
  },
  async findRestored(rds, name) {
    const out = await notFoundIsNone(rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: name })));
    const c = out?.DBClusters?.[0];
    // A cluster without its instance is a restore cut short: not done yet.
    if (!c?.DBClusterMembers?.length) return undefined;
    return { arn: c.DBClusterArn!, id: name, status: c.Status ?? 'unknown', tags: tagMap(c.TagList) };
  },
  async restore(rds, snapshot, target) {
    const c = await rds
      .send(
        new RestoreDBClusterFromSnapshotCommand({
          DBClusterIdentifier: target.name,
          SnapshotIdentifier: snapshot.id,
          Engine: snapshot.engine ?? 'aurora-postgresql',
          Tags: tagList(target.tags),
        }),
      )
      .then((out) => out.DBCluster!)
      .catch(async (e: unknown) => {
        // A re-run after the cluster came up but before its instance did: finish with the instance.
        if ((e as Error).name !== 'DBClusterAlreadyExistsFault') throw e;
        const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: target.name }));
        return out.DBClusters![0]!;
      });
    // A restored Aurora cluster has no instance: without one it cannot serve a query.
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${target.name}-1`,
        DBClusterIdentifier: target.name,
        Engine: snapshot.engine ?? 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
        PubliclyAccessible: false,
        Tags: tagList(target.tags),
      }),
    );
    return { arn: c.DBClusterArn!, id: target.name, status: c.Status ?? 'creating', tags: target.tags };
  },
};
