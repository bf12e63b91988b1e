import {
  AddTagsToResourceCommand,
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  type DBClusterSnapshot,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import type { CopyStatus, CopyTarget, SharedSnapshot, SnapshotApi, VaultCopy } from '../snapshots/model.js';

/** The cross-account copy call; the sandbox swaps in src/sandbox/snapshot-copy-emulator.ts, which moto needs. */
export type CrossAccountCopy = (shared: SharedSnapshot, target: CopyTarget) => Promise<VaultCopy>;

/** One snapshot, instance or cluster, reduced to what the copier reads. */
interface RdsSnapshot {
  id: string;
  arn: string;
  status: string;
  resource: string;
  createdAt: Date | undefined;
  encrypted: boolean;
  kmsKeyId: string | undefined;
  sizeGiB: number;
}

const fromInstance = (s: DBSnapshot, region: string, owner: string): RdsSnapshot => ({
  id: s.DBSnapshotIdentifier!,
  arn: s.DBSnapshotArn!,
  status: s.Status ?? 'unknown',
  resource: `arn:aws:rds:${region}:${owner}:db:${s.DBInstanceIdentifier}`,
  createdAt: s.SnapshotCreateTime,
  encrypted: s.Encrypted ?? false,
  kmsKeyId: s.KmsKeyId,
  sizeGiB: s.AllocatedStorage ?? 1,
});

const fromCluster = (s: DBClusterSnapshot, region: string, owner: string): RdsSnapshot => ({
  id: s.DBClusterSnapshotIdentifier!,
  arn: s.DBClusterSnapshotArn!,
  status: s.Status ?? 'unknown',
  resource: `arn:aws:rds:${region}:${owner}:cluster:${s.DBClusterIdentifier}`,
  createdAt: s.SnapshotCreateTime,
  encrypted: s.StorageEncrypted ?? false,
  kmsKeyId: s.KmsKeyId,
  sizeGiB: s.AllocatedStorage || 1,
});

/** The instance and cluster variants differ only in these calls: one table, one implementation. */
interface Kind {
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
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

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
};

function ownerOf(arn: string | undefined): string | undefined {
  return arn?.split(':')[4];
}

function status(s: string): CopyStatus {
  if (s === 'available') return 'available';
  if (['failed', 'incompatible-restore', 'error'].includes(s)) return 'failed';
  return 'pending';
}

const isNotFound = (e: unknown) => /NotFound/.test((e as Error).name);

export function rdsSnapshotApi(
  clients: AwsClients,
  kind: Kind,
  crossAccountCopy?: CrossAccountCopy,
): SnapshotApi {
  const rds = (account: string, region: string) => clients.for(RDSClient, account, region);
  const tagsOf = async (account: string, region: string, arn: string) => {
    const out = await rds(account, region).send(new ListTagsForResourceCommand({ ResourceName: arn }));
    return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key!, t.Value ?? '']));
  };
  const toCopy = async (account: string, region: string, s: RdsSnapshot): Promise<VaultCopy> => ({
    id: s.id,
    arn: s.arn,
    status: status(s.status),
    tags: await tagsOf(account, region, s.arn),
  });
  const describeCopy = async (account: string, region: string, id: string) => {
    const found = await kind.describe(rds(account, region), { id }, region, account).catch((e: unknown) => {
      if (isNotFound(e)) return [];
      throw e;
    });
    const s = found[0];
    return s ? toCopy(account, region, s) : undefined;
  };
  const copyAcross: CrossAccountCopy =
    crossAccountCopy ??
    (async (shared, target) => {
      const s = await kind.copy(rds(target.account, target.region), shared.arn, target);
      return { id: s.id, arn: s.arn, status: status(s.status), tags: target.tags };
    });
  return {
    service: kind.service,
    async listShared(account, region) {
      const found = await kind.describe(rds(account, region), { shared: true }, region, account);
      return found
        .filter((s) => status(s.status) === 'available')
        .map((s) => ({
          service: kind.service,
          arn: s.arn,
          id: s.id,
          sourceAccount: ownerOf(s.arn)!,
          region,
          sourceResource: s.resource,
          createdAt: s.createdAt ?? new Date(0),
          encrypted: s.encrypted,
          kmsKeyId: s.kmsKeyId,
          sizeGiB: s.sizeGiB,
        }));
    },
    findCopy: (account, region, targetId) => describeCopy(account, region, targetId),
    startCopy: (shared, target) => copyAcross(shared, target),
    describeCopy,
    lock: () => Promise.resolve('not-supported'),
    async listCopies(account, region) {
      const own = await kind.describe(rds(account, region), {}, region, account);
      return Promise.all(
        own.filter((s) => s.id.startsWith('airgap-')).map((s) => toCopy(account, region, s)),
      );
    },
    deleteCopy: (account, region, id) => kind.remove(rds(account, region), id),
    shareWith: (owner, region, id, account) => kind.share(rds(owner, region), id, account),
  };
}

/** Tags a copy after the fact, for copies found without their tags (the sandbox emulator). */
export async function tagRdsResource(
  clients: AwsClients,
  account: string,
  region: string,
  arn: string,
  tags: Record<string, string>,
) {
  await clients
    .for(RDSClient, account, region)
    .send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tagList(tags) }));
}
