import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { emulation, type AwsClients, type SentCommand } from '../aws/clients.js';
import { ROLE_NAMES, type Config } from '../config/index.js';
import { ebsSnapshotArn, toShared } from '../protect/ebs/snapshot-api.js';
import type { CrossAccountCopy } from '../protect/rds/snapshot-api.js';
import { snapshotApis } from '../protect/snapshots/apis.js';
import type {
  OwnedSnapshot,
  SharedSnapshot,
  SnapshotApi,
  SnapshotService,
} from '../protect/snapshots/model.js';

/**
 * EMULATION, for the sandbox only; never used against AWS.
 *
 * moto stores snapshot sharing but cannot act on it: CopyDBSnapshot, CopyDBClusterSnapshot and CopySnapshot look
 * the source up in the caller's own account, and no account sees EBS snapshots shared with it. Everything else the
 * copier and the restore do (listing RDS snapshots shared with the vault, the conditional catalog writes, tags,
 * KMS key lookup, restore from the copy) runs on moto as on AWS. So only the one missing behaviour is emulated:
 * the copy's result in the target account is materialized by recreating the shared snapshot's metadata there
 * (a throwaway instance, cluster or volume with the same engine and size, encrypted with the target key, snapshotted
 * under the deterministic target id with the copy's tags, then deleted). The copier code path is unchanged: it
 * gets this function where on AWS it calls the Copy API. Reading the source needs the owner's credentials, which
 * the real copy never has; the emulator may, because on the sandbox every account is one session.
 *
 * moto also lacks LockSnapshot: the sandbox reports EBS copies as not lockable rather than pretending.
 */
/** The snapshot APIs a command uses: on the sandbox with the emulation of what moto lacks, on AWS the SDK's. */
export function snapshotApisFor(clients: AwsClients, config: Config): Record<SnapshotService, SnapshotApi> {
  return clients.isSandbox ? emulatedSnapshotApis(clients, config) : snapshotApis(clients);
}

/** The restore account's side of a snapshot restore: the restore role's clients and snapshot APIs. */
export function restoreRoleApis(
  clients: AwsClients,
  config: Config,
): { clients: AwsClients; apis: Record<SnapshotService, SnapshotApi> } {
  const restore = clients.as(ROLE_NAMES.restore);
  return { clients: restore, apis: snapshotApisFor(restore, config) };
}

export function emulatedSnapshotApis(
  clients: AwsClients,
  config: Config,
): Record<SnapshotService, SnapshotApi> {
  const apis = snapshotApis(clients, {
    rds: emulateRdsCopy(clients),
    aurora: emulateAuroraCopy(clients),
    ebs: {
      crossAccountCopy: emulateEbsCopy(clients),
      listShared: (account, region) =>
        emulation(
          sent(clients, account, region, 'EC2Client', 'DescribeSnapshots', { RestorableByUserIds: ['self'] }),
          () => listEbsSharedWith(clients, config, account, region),
        ),
      lock: () => Promise.resolve('not-supported'),
    },
  });
  // moto's DescribeSnapshots omits the KmsKeyId of an encrypted snapshot, which AWS reports: it is read from the
  // volume, so the share step judges the key as it would on AWS.
  const withKey = async (s: OwnedSnapshot | undefined) => {
    if (!s?.encrypted || s.kmsKeyId) return s;
    const volume = await emulation(undefined, () =>
      clients
        .for(EC2Client, s.account, s.region)
        .send(new DescribeVolumesCommand({ VolumeIds: [s.resource.split('/').pop()!] }))
        .catch(() => undefined),
    );
    return { ...s, kmsKeyId: volume?.Volumes?.[0]?.KmsKeyId };
  };
  const ebs = apis.ebs;
  return {
    ...apis,
    ebs: {
      ...ebs,
      describeOwned: async (account, region, id) => withKey(await ebs.describeOwned(account, region, id)),
      listOwned: async (account, region) =>
        Promise.all((await ebs.listOwned(account, region)).map(async (s) => (await withKey(s))!)),
    },
  };
}

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
/** The call an emulation stands for, as AWS would receive it from `account`'s role. */
const sent = (
  clients: AwsClients,
  account: string,
  region: string,
  client: string,
  command: string,
  input: Record<string, unknown>,
): SentCommand => ({ account, role: clients.options.roleName, region, client, command, input });

const notFound = (what: string) =>
  Object.assign(new Error(`${what} not found`), { name: 'DBSnapshotNotFound' });

function emulateRdsCopy(clients: AwsClients): CrossAccountCopy {
  return (shared, target) =>
    emulation(
      sent(clients, target.account, target.region, 'RDSClient', 'CopyDBSnapshot', {
        SourceDBSnapshotIdentifier: shared.arn,
        TargetDBSnapshotIdentifier: target.id,
        KmsKeyId: target.kmsKeyArn,
      }),
      async () => {
        const source = clients.for(RDSClient, shared.sourceAccount, shared.region);
        const found = await source.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: shared.id }));
        const s = found.DBSnapshots?.[0];
        if (!s) throw notFound(shared.arn);
        const rds = clients.for(RDSClient, target.account, target.region);
        const scratch = `${target.id}-emu`;
        await rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: scratch,
            Engine: s.Engine ?? 'postgres',
            DBInstanceClass: 'db.t3.micro',
            AllocatedStorage: s.AllocatedStorage ?? 20,
            MasterUsername: 'emulator',
            MasterUserPassword: 'emulator-only',
            StorageEncrypted: true,
            KmsKeyId: target.kmsKeyArn,
          }),
        );
        const out = await rds.send(
          new CreateDBSnapshotCommand({
            DBInstanceIdentifier: scratch,
            DBSnapshotIdentifier: target.id,
            Tags: tagList(target.tags),
          }),
        );
        await rds.send(
          new DeleteDBInstanceCommand({ DBInstanceIdentifier: scratch, SkipFinalSnapshot: true }),
        );
        return { id: target.id, arn: out.DBSnapshot!.DBSnapshotArn!, status: 'available', tags: target.tags };
      },
    );
}

function emulateAuroraCopy(clients: AwsClients): CrossAccountCopy {
  return (shared, target) =>
    emulation(
      sent(clients, target.account, target.region, 'RDSClient', 'CopyDBClusterSnapshot', {
        SourceDBClusterSnapshotIdentifier: shared.arn,
        TargetDBClusterSnapshotIdentifier: target.id,
        KmsKeyId: target.kmsKeyArn,
      }),
      async () => {
        const source = clients.for(RDSClient, shared.sourceAccount, shared.region);
        const found = await source.send(
          new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: shared.id }),
        );
        const s = found.DBClusterSnapshots?.[0];
        if (!s) throw notFound(shared.arn);
        const rds = clients.for(RDSClient, target.account, target.region);
        const scratch = `${target.id}-emu`;
        await rds.send(
          new CreateDBClusterCommand({
            DBClusterIdentifier: scratch,
            Engine: s.Engine ?? 'aurora-postgresql',
            MasterUsername: 'emulator',
            MasterUserPassword: 'emulator-only',
            StorageEncrypted: true,
            KmsKeyId: target.kmsKeyArn,
          }),
        );
        const out = await rds.send(
          new CreateDBClusterSnapshotCommand({
            DBClusterIdentifier: scratch,
            DBClusterSnapshotIdentifier: target.id,
            Tags: tagList(target.tags),
          }),
        );
        await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: scratch, SkipFinalSnapshot: true }));
        return {
          id: target.id,
          arn: out.DBClusterSnapshot!.DBClusterSnapshotArn!,
          status: 'available',
          tags: target.tags,
        };
      },
    );
}

function emulateEbsCopy(clients: AwsClients): CrossAccountCopy {
  return (shared, target) =>
    emulation(
      sent(clients, target.account, target.region, 'EC2Client', 'CopySnapshot', {
        SourceSnapshotId: shared.id,
        SourceRegion: shared.region,
        Encrypted: true,
        KmsKeyId: target.kmsKeyArn,
      }),
      async () => {
        const source = clients.for(EC2Client, shared.sourceAccount, shared.region);
        const found = await source
          .send(new DescribeSnapshotsCommand({ SnapshotIds: [shared.id] }))
          .catch(() => ({ Snapshots: [] }));
        const s = found.Snapshots?.[0];
        if (!s)
          throw Object.assign(new Error(`${shared.arn} not found`), { name: 'InvalidSnapshot.NotFound' });
        const ec2 = clients.for(EC2Client, target.account, target.region);
        const volume = await ec2.send(
          new CreateVolumeCommand({
            AvailabilityZone: `${target.region}a`,
            Size: s.VolumeSize ?? 1,
            Encrypted: true,
            KmsKeyId: target.kmsKeyArn,
          }),
        );
        const snap = await ec2.send(
          new CreateSnapshotCommand({
            VolumeId: volume.VolumeId!,
            Description: `airgap vault copy of ${shared.arn} (sandbox emulation)`,
            TagSpecifications: [{ ResourceType: 'snapshot', Tags: tagList(target.tags) }],
          }),
        );
        await ec2.send(new DeleteVolumeCommand({ VolumeId: volume.VolumeId! }));
        return {
          id: snap.SnapshotId!,
          arn: ebsSnapshotArn(target.region, target.account, snap.SnapshotId!),
          status: 'available',
          tags: target.tags,
        };
      },
    );
}

/** The EBS snapshots of the config's workload accounts whose createVolumePermission names `account`. */
async function listEbsSharedWith(
  clients: AwsClients,
  config: Config,
  account: string,
  region: string,
): Promise<SharedSnapshot[]> {
  const shared: SharedSnapshot[] = [];
  for (const workload of config.organizations.source.workloadAccounts) {
    const ec2 = clients.for(EC2Client, workload.id, region);
    const own = await ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'owner-id', Values: [workload.id] }],
      }),
    );
    for (const s of own.Snapshots ?? []) {
      const attr = await ec2.send(
        new DescribeSnapshotAttributeCommand({
          SnapshotId: s.SnapshotId!,
          Attribute: 'createVolumePermission',
        }),
      );
      if ((attr.CreateVolumePermissions ?? []).some((p) => p.UserId === account))
        shared.push(toShared(s, region));
    }
  }
  return shared;
}
