import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../src/catalog/catalog.js';
import { TAGS } from '../src/config/index.js';
import { runCopier, vaultCopyId, vaultKeyArn } from '../src/protect/snapshots/copier.js';
import type { SnapshotApi, SnapshotService } from '../src/protect/snapshots/model.js';
import { emulatedSnapshotApis } from '../src/sandbox/snapshot-copy-emulator.js';
import { snapshotStatus } from '../src/status/status.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const W = '510000000002';
const VAULT = '520000000002';
const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '510000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], W],
  [['organizations', 'source', 'backupAccount'], '510000000003'],
  [['organizations', 'vault', 'managementAccount'], '520000000001'],
  [['organizations', 'vault', 'vaultAccount'], VAULT],
  [['organizations', 'vault', 'airGapAccount'], '520000000003'],
  [['organizations', 'vault', 'restoreAccount'], '520000000004'],
  [
    ['protect'],
    {
      rds: [{ account: W, names: ['orders'] }],
      aurora: [{ account: W, names: ['ledger'] }],
      ebs: [{ account: W, tags: { airgap: 'protect' } }],
    },
  ],
]);
const region = config.vault.region;

describe('snapshot copier on the sandbox (moto; cross-account copy emulated)', () => {
  const moto = useMoto(region);
  let catalog: Catalog;
  let apis: Record<SnapshotService, SnapshotApi>;
  const ctx = () => ({ clients: moto.clients, config, catalog, apis });

  beforeAll(async () => {
    process.env['MOTO_EC2_LOAD_DEFAULT_AMIS'] = 'false';
    catalog = await provisionSnapshotSandbox(moto.clients, config);
    apis = emulatedSnapshotApis(moto.clients, config);
    const rds = moto.clients.for(RDSClient, W, region);
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    for (const id of ['orders-1', 'orders-2']) {
      await rds.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: id }),
      );
      await rds.send(
        new ModifyDBSnapshotAttributeCommand({
          DBSnapshotIdentifier: id,
          AttributeName: 'restore',
          ValuesToAdd: [VAULT],
        }),
      );
    }
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'ledger',
        DBClusterSnapshotIdentifier: 'ledger-1',
      }),
    );
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'ledger-1',
        AttributeName: 'restore',
        ValuesToAdd: [VAULT],
      }),
    );
    const ec2 = moto.clients.for(EC2Client, W, region);
    const vol = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${region}a`, Size: 8 }));
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: vol.VolumeId! }));
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snap.SnapshotId!,
        Attribute: 'createVolumePermission',
        OperationType: 'add',
        UserIds: [VAULT],
      }),
    );
  });

  const sharedAll = async () => [
    ...(await apis.rds.listShared(VAULT, region)),
    ...(await apis.aurora.listShared(VAULT, region)),
    ...(await apis.ebs.listShared(VAULT, region)),
  ];

  it('copies every shared RDS, Aurora and EBS snapshot under the vault key, tagged, one catalog entry each (moto)', async () => {
    const shared = await sharedAll();
    expect(shared.map((s) => s.service).sort()).toEqual(['aurora', 'ebs', 'rds', 'rds']);
    const report = await runCopier(ctx(), shared);
    // orders-1 and orders-2 share a source DB: one copy in flight per resource, the second waits for the next run.
    expect(report.outcomes.filter((o) => o.result === 'copied')).toHaveLength(3);
    expect(report.outcomes.filter((o) => o.result === 'deferred')).toHaveLength(1);
    await runCopier(ctx(), shared);
    const entries = await catalog.list();
    expect(entries).toHaveLength(4);
    expect(entries.every((e) => e.state === 'available')).toBe(true);

    const key = await vaultKeyArn(moto.clients, config, region);
    const vaultRds = moto.clients.for(RDSClient, VAULT, region);
    const copy = (
      await vaultRds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: vaultCopyId(shared[0]!.arn) }),
      )
    ).DBSnapshots![0]!;
    expect(copy.Encrypted).toBe(true);
    expect(copy.KmsKeyId).toBe(key);
    const cluster = await vaultRds.send(new DescribeDBClusterSnapshotsCommand({}));
    expect(
      cluster.DBClusterSnapshots?.filter((s) => s.DBClusterSnapshotIdentifier?.startsWith('airgap-')),
    ).toHaveLength(1);
    const ebs = await moto.clients
      .for(EC2Client, VAULT, region)
      .send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
    const ebsCopy = ebs.Snapshots!.find((s) => s.Tags?.some((t) => t.Key === TAGS.sourceArn))!;
    expect(Object.fromEntries(ebsCopy.Tags!.map((t) => [t.Key, t.Value]))).toMatchObject({
      [TAGS.sourceAccount]: W,
      [TAGS.retainUntil]: expect.stringMatching(/Z$/),
    });
  });

  it('threat #16: the same event delivered twice ends with exactly one vault copy and one catalog entry (moto)', async () => {
    const shared = await sharedAll();
    const before = (await catalog.list()).length;
    const again = await runCopier(ctx(), shared);
    expect(again.outcomes.every((o) => o.result === 'already-copied')).toBe(true);
    expect(await catalog.list()).toHaveLength(before);
    const own = await moto.clients.for(RDSClient, VAULT, region).send(new DescribeDBSnapshotsCommand({}));
    expect(own.DBSnapshots?.filter((s) => s.DBSnapshotIdentifier?.startsWith('airgap-'))).toHaveLength(2);
  });

  it('threat #16: a crash between copy and catalog write is finished by the next run without a second copy (moto)', async () => {
    const rds = moto.clients.for(RDSClient, W, region);
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-3' }),
    );
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'orders-3',
        AttributeName: 'restore',
        ValuesToAdd: [VAULT],
      }),
    );
    const s = (await apis.rds.listShared(VAULT, region)).find((x) => x.id === 'orders-3')!;
    // The crashed run: the copy was made, then the function died before the catalog write.
    const key = await vaultKeyArn(moto.clients, config, region);
    await apis.rds.startCopy(s, {
      account: VAULT,
      region,
      id: vaultCopyId(s.arn),
      kmsKeyArn: key,
      tags: { [TAGS.sourceArn]: s.arn },
    });
    const report = await runCopier(ctx(), [s]);
    expect(report.outcomes).toMatchObject([{ result: 'already-copied', entry: { state: 'available' } }]);
    const own = await moto.clients.for(RDSClient, VAULT, region).send(new DescribeDBSnapshotsCommand({}));
    expect(own.DBSnapshots?.filter((x) => x.DBSnapshotIdentifier === vaultCopyId(s.arn))).toHaveLength(1);
  });

  it('threat #17: a source snapshot deleted while pending is recorded failed with its cause; older copies stay (moto)', async () => {
    const rds = moto.clients.for(RDSClient, W, region);
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-4' }),
    );
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'orders-4',
        AttributeName: 'restore',
        ValuesToAdd: [VAULT],
      }),
    );
    const s = (await apis.rds.listShared(VAULT, region)).find((x) => x.id === 'orders-4')!;
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: 'orders-4' }));
    const before = (await catalog.list()).filter((e) => e.state === 'available').length;
    const report = await runCopier(ctx(), [s]);
    expect(report.outcomes).toMatchObject([
      { result: 'failed', cause: expect.stringContaining('gone or no longer shared') },
    ]);
    const entries = await catalog.list();
    expect(entries.filter((e) => e.state === 'available')).toHaveLength(before);
    expect(entries.find((e) => e.sourceArn === s.arn)?.state).toBe('failed');
  });

  it('snapshots status reads the catalog: each protected resource once with its newest copy, outside the RPO once it ages (moto)', async () => {
    const now = new Date();
    const report = await snapshotStatus(moto.clients, config, now);
    const rows = report.resources.map((r) => [r.service, r.resource.split(/[:/]/).pop(), r.state]);
    expect(rows).toEqual([
      ['ebs', expect.stringMatching(/^vol-/), 'within-rpo'],
      ['aurora', 'ledger', 'within-rpo'],
      ['rds', 'orders', 'within-rpo'],
    ]);
    const later = await snapshotStatus(moto.clients, config, new Date(now.getTime() + 241 * 60_000));
    expect(later.outsideRpo).toBe(3);
  });
});
