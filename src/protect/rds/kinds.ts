import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
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
  type DBSnapshotAttribute,
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
  /** Takes a manual snapshot of a DB instance or cluster. */
  snapshot(
    rds: RDSClient,
    resourceId: string,
    id: string,
    tags: Record<string, string>,
  ): Promise<RdsSnapshot>;
  copy(rds: RDSClient, sourceArn: string, target: CopyTarget): Promise<RdsSnapshot>;
  remove(rds: RDSClient, id: string): Promise<void>;
  share(rds: RDSClient, id: string, account: string): Promise<void>;
  sharedWith(rds: RDSClient, id: string): Promise<string[]>;
  resources(rds: RDSClient, region: string, owner: string): Promise<SourceResource[]>;
  findRestored(rds: RDSClient, name: string): Promise<RestoredResource | undefined>;
  restore(rds: RDSClient, snapshot: RdsSnapshot, target: RestoreTarget): Promise<RestoredResource>;
}

/**
 * RDS names every snapshot request and field after its noun: DescribeDBSnapshots and DescribeDBClusterSnapshots,
 * `DBSnapshotIdentifier` and `DBClusterSnapshotIdentifier`, `SourceDB…`, `…Arn`, `…AttributesResult`. So a
 * kind's snapshot calls are its noun, its commands and how it reads one snapshot; the calls themselves are one.
 */
interface SnapshotTable<S> {
  noun: 'DBSnapshot' | 'DBClusterSnapshot';
  /** The field naming the snapshotted resource: DBInstanceIdentifier or DBClusterIdentifier. */
  resourceKey: 'DBInstanceIdentifier' | 'DBClusterIdentifier';
  commands: Record<'describe' | 'create' | 'copy' | 'remove' | 'share' | 'attributes', RdsCommand>;
  from(s: S, region: string, owner: string): RdsSnapshot;
}

type RdsCommand = new (input: never) => object;
type Output = Record<string, unknown>;

/** One request of a table's commands; the field names the table's noun gives are the SDK's own. */
function send(rds: RDSClient, Command: RdsCommand, input: Record<string, unknown>): Promise<Output> {
  const sendAny = rds.send.bind(rds) as unknown as (command: object) => Promise<Output>;
  return sendAny(new Command(input as never));
}

const placeOf = (arn: string) => {
  const [, , , region, owner] = arn.split(':');
  return { region: region!, owner: owner! };
};

function snapshotCalls<S>(
  t: SnapshotTable<S>,
): Omit<Kind, 'service' | 'resources' | 'findRestored' | 'restore'> {
  const id = `${t.noun}Identifier`;
  const one = (out: Output, region: string, owner: string) => t.from(out[t.noun] as S, region, owner);
  return {
    async describe(rds, { id: wanted, shared }, region, owner) {
      const out = await send(
        rds,
        t.commands.describe,
        shared ? { SnapshotType: 'shared', IncludeShared: true } : { [id]: wanted },
      );
      return ((out[`${t.noun}s`] ?? []) as S[]).map((s) =>
        t.from(s, region, ownerOf((s as Output)[`${t.noun}Arn`] as string | undefined) ?? owner),
      );
    },
    async snapshot(rds, resourceId, snapshotId, tags) {
      const out = await send(rds, t.commands.create, {
        [t.resourceKey]: resourceId,
        [id]: snapshotId,
        Tags: tagList(tags),
      });
      const { region, owner } = placeOf((out[t.noun] as Output)[`${t.noun}Arn`] as string);
      return one(out, region, owner);
    },
    async copy(rds, sourceArn, target) {
      const out = await send(rds, t.commands.copy, {
        [`Source${id}`]: sourceArn,
        [`Target${id}`]: target.id,
        KmsKeyId: target.kmsKeyArn,
        Tags: tagList(target.tags),
      });
      return one(out, target.region, target.account);
    },
    async remove(rds, snapshotId) {
      await send(rds, t.commands.remove, { [id]: snapshotId });
    },
    async share(rds, snapshotId, account) {
      await send(rds, t.commands.share, {
        [id]: snapshotId,
        AttributeName: 'restore',
        ValuesToAdd: [account],
      });
    },
    async sharedWith(rds, snapshotId) {
      const out = await send(rds, t.commands.attributes, { [id]: snapshotId });
      const result = out[`${t.noun}AttributesResult`] as Output | undefined;
      const attrs = (result?.[`${t.noun}Attributes`] ?? []) as DBSnapshotAttribute[];
      return attrs.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [];
    },
  };
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
  ...snapshotCalls<DBSnapshot>({
    noun: 'DBSnapshot',
    resourceKey: 'DBInstanceIdentifier',
    commands: {
      describe: DescribeDBSnapshotsCommand,
      create: CreateDBSnapshotCommand,
      copy: CopyDBSnapshotCommand,
      remove: DeleteDBSnapshotCommand,
      share: ModifyDBSnapshotAttributeCommand,
      attributes: DescribeDBSnapshotAttributesCommand,
    },
    from: fromInstance,
  }),
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
  ...snapshotCalls<DBClusterSnapshot>({
    noun: 'DBClusterSnapshot',
    resourceKey: 'DBClusterIdentifier',
    commands: {
      describe: DescribeDBClusterSnapshotsCommand,
      create: CreateDBClusterSnapshotCommand,
      copy: CopyDBClusterSnapshotCommand,
      remove: DeleteDBClusterSnapshotCommand,
      share: ModifyDBClusterSnapshotAttributeCommand,
      attributes: DescribeDBClusterSnapshotAttributesCommand,
    },
    from: fromCluster,
  }),
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
