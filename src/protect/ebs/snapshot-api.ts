import {
  CopySnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  LockSnapshotCommand,
  ModifySnapshotAttributeCommand,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  type Snapshot,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { TAGS } from '../../config/index.js';
import type { CrossAccountCopy } from '../rds/snapshot-api.js';
import type {
  CopyStatus,
  CopyTarget,
  OwnedSnapshot,
  SharedSnapshot,
  SnapshotApi,
  VaultCopy,
} from '../snapshots/model.js';

/** The sandbox swaps in these two (moto lists no snapshot shared with an account and has no LockSnapshot). */
export interface EbsOverrides {
  crossAccountCopy?: CrossAccountCopy;
  listShared?: (account: string, region: string) => Promise<SharedSnapshot[]>;
  lock?: SnapshotApi['lock'];
}

const status = (s: Snapshot): CopyStatus =>
  s.State === 'completed' ? 'available' : s.State === 'error' ? 'failed' : 'pending';

const tagsOf = (s: { Tags?: Tag[] | undefined }) =>
  Object.fromEntries((s.Tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));
const tagSpec = (type: 'snapshot' | 'volume', tags: Record<string, string>) => [
  { ResourceType: type, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
];

export const ebsSnapshotArn = (region: string, owner: string, id: string) =>
  `arn:aws:ec2:${region}:${owner}:snapshot/${id}`;

/**
 * A copied EBS snapshot gets an arbitrary volume id and its own start time, and tags are not visible to the
 * accounts it is shared with: a copy made by the share step names its volume and time in its description.
 */
const copyDescription = (s: OwnedSnapshot) =>
  `airgap share copy of ${s.arn} (volume ${s.resource.split('/').pop()}, taken ${s.createdAt.toISOString()})`;
const DESCRIBED = /^airgap share copy of \S+ \(volume (vol-[0-9a-f]+), taken (\S+)\)$/;

/** The volume and time a snapshot stands for: its own, or those its description carries. */
function origin(s: Snapshot, region: string): { resource: string; createdAt: Date } {
  const [, volume, taken] = DESCRIBED.exec(s.Description ?? '') ?? [];
  return {
    resource: `arn:aws:ec2:${region}:${s.OwnerId}:volume/${volume ?? s.VolumeId}`,
    createdAt: taken ? new Date(taken) : (s.StartTime ?? new Date(0)),
  };
}

export function toShared(s: Snapshot, region: string): SharedSnapshot {
  const { resource, createdAt } = origin(s, region);
  return {
    service: 'ebs',
    arn: ebsSnapshotArn(region, s.OwnerId!, s.SnapshotId!),
    id: s.SnapshotId!,
    sourceAccount: s.OwnerId!,
    region,
    sourceResource: resource,
    createdAt,
    encrypted: s.Encrypted ?? false,
    kmsKeyId: s.KmsKeyId,
    sizeGiB: s.VolumeSize ?? 1,
  };
}

function toOwned(s: Snapshot, region: string): OwnedSnapshot {
  const { resource, createdAt } = origin(s, region);
  return {
    service: 'ebs',
    id: s.SnapshotId!,
    arn: ebsSnapshotArn(region, s.OwnerId!, s.SnapshotId!),
    account: s.OwnerId!,
    region,
    resource,
    type: 'manual',
    status: status(s),
    createdAt,
    encrypted: s.Encrypted ?? false,
    kmsKeyId: s.KmsKeyId,
    sizeGiB: s.VolumeSize ?? 1,
    tags: tagsOf(s),
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
      // moto ignores OwnerIds; the owner-id filter keeps its public AMI snapshots out on the sandbox too.
      Filters: [
        { Name: 'owner-id', Values: [account] },
        ...(filter.sourceArn ? [{ Name: `tag:${TAGS.sourceArn}`, Values: [filter.sourceArn] }] : []),
      ],
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
  const copy = async (id: string, sourceRegion: string, description: string, target: CopyTarget) => {
    const out = await ec2(target.account, target.region).send(
      new CopySnapshotCommand({
        SourceSnapshotId: id,
        SourceRegion: sourceRegion,
        Encrypted: true,
        KmsKeyId: target.kmsKeyArn,
        Description: description,
        TagSpecifications: tagSpec('snapshot', target.tags),
      }),
    );
    const copied = out.SnapshotId!;
    return {
      id: copied,
      arn: ebsSnapshotArn(target.region, target.account, copied),
      status: 'pending' as const,
      tags: target.tags,
    };
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
      return copy(shared.id, shared.region, `airgap vault copy of ${shared.arn}`, target);
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
    async sharedWith(owner, region, id) {
      const out = await ec2(owner, region).send(
        new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' }),
      );
      return (out.CreateVolumePermissions ?? []).flatMap((p) => (p.UserId ? [p.UserId] : []));
    },
    async listResources(account, region) {
      const out = [];
      for await (const page of paginateDescribeVolumes({ client: ec2(account, region) }, {}))
        for (const v of page.Volumes ?? [])
          out.push({
            service: 'ebs' as const,
            arn: `arn:aws:ec2:${region}:${account}:volume/${v.VolumeId}`,
            name: v.VolumeId!,
            account,
            region,
            tags: tagsOf(v),
            encrypted: v.Encrypted ?? false,
            kmsKeyId: v.KmsKeyId,
          });
      return out;
    },
    async listOwned(account, region) {
      return (await describe(account, region, {})).map((s) => toOwned(s, region));
    },
    async describeOwned(account, region, id) {
      const s = (await describe(account, region, { ids: [id] }))[0];
      return s ? toOwned(s, region) : undefined;
    },
    copyWithin: (source, target) => copy(source.id, source.region, copyDescription(source), target),
    async findRestored(target) {
      const out = await ec2(target.account, target.region).send(
        new DescribeVolumesCommand({ Filters: [{ Name: 'tag:Name', Values: [target.name] }] }),
      );
      const v = out.Volumes?.[0];
      return v
        ? {
            arn: `arn:aws:ec2:${target.region}:${target.account}:volume/${v.VolumeId}`,
            id: v.VolumeId!,
            status: v.State ?? 'unknown',
            tags: tagsOf(v),
          }
        : undefined;
    },
    async restoreFrom(snapshot, target) {
      const v = await ec2(target.account, target.region).send(
        new CreateVolumeCommand({
          SnapshotId: snapshot.id,
          AvailabilityZone: `${target.region}a`,
          TagSpecifications: tagSpec('volume', { ...target.tags, Name: target.name }),
        }),
      );
      return {
        arn: `arn:aws:ec2:${target.region}:${target.account}:volume/${v.VolumeId}`,
        id: v.VolumeId!,
        status: v.State ?? 'creating',
        tags: target.tags,
      };
    },
  };
}
