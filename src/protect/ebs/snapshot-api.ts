import {
  CopySnapshotCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  LockSnapshotCommand,
  ModifySnapshotAttributeCommand,
  paginateDescribeSnapshots,
  type Snapshot,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { TAGS } from '../../config/names.js';
import type { CrossAccountCopy } from '../rds/snapshot-api.js';
import type { CopyStatus, SharedSnapshot, SnapshotApi, VaultCopy } from '../snapshots/model.js';

/** The sandbox swaps in these two (moto lists no snapshot shared with an account and has no LockSnapshot). */
export interface EbsOverrides {
  crossAccountCopy?: CrossAccountCopy;
  listShared?: (account: string, region: string) => Promise<SharedSnapshot[]>;
  lock?: SnapshotApi['lock'];
}

const status = (s: Snapshot): CopyStatus =>
  s.State === 'completed' ? 'available' : s.State === 'error' ? 'failed' : 'pending';

const tagsOf = (s: Snapshot) => Object.fromEntries((s.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));

export const ebsSnapshotArn = (region: string, owner: string, id: string) =>
  `arn:aws:ec2:${region}:${owner}:snapshot/${id}`;

export function toShared(s: Snapshot, region: string): SharedSnapshot {
  return {
    service: 'ebs',
    arn: ebsSnapshotArn(region, s.OwnerId!, s.SnapshotId!),
    id: s.SnapshotId!,
    sourceAccount: s.OwnerId!,
    region,
    sourceResource: `arn:aws:ec2:${region}:${s.OwnerId}:volume/${s.VolumeId}`,
    createdAt: s.StartTime ?? new Date(0),
    encrypted: s.Encrypted ?? false,
    kmsKeyId: s.KmsKeyId,
    sizeGiB: s.VolumeSize ?? 1,
  };
}

export function ebsSnapshotApi(clients: AwsClients, overrides: EbsOverrides = {}): SnapshotApi {
  const ec2 = (account: string, region: string) => clients.for(EC2Client, account, region);
  const toCopy = (s: Snapshot, region: string): VaultCopy => ({
    id: s.SnapshotId!,
    arn: ebsSnapshotArn(region, s.OwnerId!, s.SnapshotId!),
    status: status(s),
    tags: tagsOf(s),
  });
  const describe = async (
    account: string,
    region: string,
    filter: { ids?: string[]; sourceArn?: string },
  ) => {
    const found: Snapshot[] = [];
    const input = {
      OwnerIds: ['self'],
      ...(filter.ids ? { SnapshotIds: filter.ids } : {}),
      Filters: filter.sourceArn ? [{ Name: `tag:${TAGS.sourceArn}`, Values: [filter.sourceArn] }] : undefined,
    };
    try {
      for await (const page of paginateDescribeSnapshots({ client: ec2(account, region) }, input))
        found.push(...(page.Snapshots ?? []));
    } catch (e) {
      if ((e as Error).name === 'InvalidSnapshot.NotFound') return [];
      throw e;
    }
    return found;
  };
  return {
    service: 'ebs',
    async listShared(account, region) {
      if (overrides.listShared) return overrides.listShared(account, region);
      const out = await ec2(account, region).send(
        new DescribeSnapshotsCommand({ RestorableByUserIds: ['self'] }),
      );
      return (out.Snapshots ?? [])
        .filter((s) => s.OwnerId !== account && s.State === 'completed')
        .map((s) => toShared(s, region));
    },
    // EBS picks its own snapshot ids, so the deterministic handle is the source-ARN tag, set atomically at copy.
    async findCopy(account, region, _targetId, sourceArn) {
      const found = await describe(account, region, { sourceArn });
      const s = found.find((x) => x.State !== 'error') ?? found[0];
      return s ? toCopy(s, region) : undefined;
    },
    async startCopy(shared, target) {
      if (overrides.crossAccountCopy) return overrides.crossAccountCopy(shared, target);
      const out = await ec2(target.account, target.region).send(
        new CopySnapshotCommand({
          SourceSnapshotId: shared.id,
          SourceRegion: shared.region,
          Encrypted: true,
          KmsKeyId: target.kmsKeyArn,
          Description: `airgap vault copy of ${shared.arn}`,
          TagSpecifications: [
            {
              ResourceType: 'snapshot',
              Tags: Object.entries(target.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      );
      const id = out.SnapshotId!;
      return {
        id,
        arn: ebsSnapshotArn(target.region, target.account, id),
        status: 'pending',
        tags: target.tags,
      };
    },
    async describeCopy(account, region, id) {
      const s = (await describe(account, region, { ids: [id] }))[0];
      return s ? toCopy(s, region) : undefined;
    },
    async lock(account, region, id, until) {
      if (overrides.lock) return overrides.lock(account, region, id, until);
      await ec2(account, region).send(
        new LockSnapshotCommand({ SnapshotId: id, LockMode: 'compliance', ExpirationDate: until }),
      );
      return 'locked';
    },
    async listCopies(account, region) {
      const own = await describe(account, region, {});
      return own.filter((s) => TAGS.sourceArn in tagsOf(s)).map((s) => toCopy(s, region));
    },
    async deleteCopy(account, region, id) {
      await ec2(account, region).send(new DeleteSnapshotCommand({ SnapshotId: id }));
    },
    async shareWith(owner, region, id, account) {
      // The flat OperationType/UserIds form: AWS accepts it, and moto ignores the structured form.
      await ec2(owner, region).send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: id,
          Attribute: 'createVolumePermission',
          OperationType: 'add',
          UserIds: [account],
        }),
      );
    },
  };
}
