import { DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
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
import { AwsClients } from '../src/aws/clients.js';
import { ROLE_NAMES } from '../src/config/index.js';
import { snapshotApis } from '../src/protect/snapshots/apis.js';
import { sweepRetention } from '../src/protect/snapshots/retention-sweeper.js';
import { SANDBOX_BASE_CREDENTIALS } from '../src/sandbox/session.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { ownAccounts, quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';
import { dbInstance, sharedEbsSnapshot } from './support/snapshot-fixtures.js';

const accounts = ownAccounts('51', '52');
const { workload: W, vault: VAULT } = accounts;
const config = quickstart([
  ...accounts.edits,
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
    await dbInstance(moto.clients, W, region, 'orders');
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
    await sharedEbsSnapshot(moto.clients, W, region, VAULT);
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

  it('threat #16: an EBS copy made before a crash is found by its source-ARN tag: one vault copy, one catalog entry (moto)', async () => {
    const snap = await sharedEbsSnapshot(moto.clients, W, region, VAULT, 4);
    const s = (await apis.ebs.listShared(VAULT, region)).find((x) => x.id === snap.snapshotId)!;
    await apis.ebs.startCopy(s, {
      account: VAULT,
      region,
      id: vaultCopyId(s.arn),
      kmsKeyArn: await vaultKeyArn(moto.clients, config, region),
      tags: { [TAGS.sourceArn]: s.arn },
    });
    const before = (await catalog.list()).length;
    for (let i = 0; i < 2; i++) {
      const report = await runCopier(ctx(), [s]);
      expect(report.outcomes).toMatchObject([{ result: 'already-copied' }]);
    }
    expect((await catalog.list()).filter((e) => e.sourceArn === s.arn)).toHaveLength(1);
    expect(await catalog.list()).toHaveLength(before + 1);
    const copies = await moto.clients.for(EC2Client, VAULT, region).send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: `tag:${TAGS.sourceArn}`, Values: [s.arn] }],
      }),
    );
    expect(copies.Snapshots).toHaveLength(1);
  });

  it("retention sweeper on vault copies: deletes the expired one only; unexpired, malformed and the copier's copies stay (moto)", async () => {
    const rds = moto.clients.for(RDSClient, VAULT, region);
    await dbInstance(moto.clients, VAULT, region, 'sweep-src');
    const tagged = { expired: '2020-01-01T00:00:00Z', unexpired: '2099-01-01T00:00:00Z', malformed: 'soon' };
    for (const [name, until] of Object.entries(tagged))
      await rds.send(
        new CreateDBSnapshotCommand({
          DBInstanceIdentifier: 'sweep-src',
          DBSnapshotIdentifier: `airgap-${name}`,
          Tags: [{ Key: TAGS.retainUntil, Value: until }],
        }),
      );
    const retention = new AwsClients({
      endpoint: moto.server.endpoint,
      region,
      roleName: ROLE_NAMES.retention,
      baseCredentials: SANDBOX_BASE_CREDENTIALS,
    });
    const report = await sweepRetention(retention, snapshotApis(retention).rds, VAULT, region, new Date());
    expect(report.deleted).toEqual(['airgap-expired']);
    // The crash test's copy carries no retain-until tag either: kept and reported, never deleted.
    expect(report.malformed.map((m) => m.id)).toEqual(expect.arrayContaining(['airgap-malformed']));
    expect(report.kept).toContain('airgap-unexpired');
    // deleted is exactly the expired copy: every copy the copier made (30-day retention) is still there.
    expect(report.kept.length).toBeGreaterThanOrEqual(3);
    const left = await rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'sweep-src', SnapshotType: 'manual' }),
    );
    expect(left.DBSnapshots?.map((x) => x.DBSnapshotIdentifier).sort()).toEqual([
      'airgap-malformed',
      'airgap-unexpired',
    ]);
  });
});
