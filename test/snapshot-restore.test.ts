import { DescribeVolumesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListGrantsCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import type { Catalog } from '../src/catalog/catalog.js';
import { RESOURCE_NAMES, TAGS } from '../src/config/index.js';
import { InputError } from '../src/errors.js';
import { keyArnOf } from '../src/protect/kms/key-facts.js';
import { runCopier, vaultKeyArn } from '../src/protect/snapshots/copier.js';
import type { SnapshotApi, SnapshotService } from '../src/protect/snapshots/model.js';
import { restoreCopyId } from '../src/protect/snapshots/restore-plan.js';
import { restoreSnapshot, type SnapshotRestoreContext } from '../src/protect/snapshots/restore.js';
import { emulatedSnapshotApis, restoreRoleApis } from '../src/sandbox/snapshot-copy-emulator.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { ownAccounts, quickstart, quickstartYaml } from './support/config.js';
import { useMoto } from './support/moto.js';
import { dbInstance, sharedEbsSnapshot } from './support/snapshot-fixtures.js';
import { recordCommands } from './support/recording.js';

const accounts = ownAccounts('55', '56');
const { workload: W, vault: VAULT, restore: RESTORE } = accounts;
const edits: Parameters<typeof quickstart>[0] = [
  ...accounts.edits,
  [
    ['protect'],
    {
      rds: [{ account: W, names: ['orders'] }],
      aurora: [{ account: W, names: ['ledger'] }],
      ebs: [{ account: W, tags: { airgap: 'protect' } }],
    },
  ],
];
const config = quickstart(edits);
const region = config.vault.region;

describe('snapshot restore into the restore account on the sandbox (moto; cross-account copy emulated)', () => {
  const moto = useMoto(region);
  let catalog: Catalog;
  let apis: Record<SnapshotService, SnapshotApi>;
  const ctx = (): SnapshotRestoreContext => ({
    clients: moto.clients,
    config,
    catalog,
    apis,
    restore: restoreRoleApis(moto.clients, config),
  });
  const rds = (account: string) => moto.clients.for(RDSClient, account, region);

  beforeAll(async () => {
    catalog = await provisionSnapshotSandbox(moto.clients, config);
    apis = emulatedSnapshotApis(moto.clients, config);
    await dbInstance(moto.clients, W, region, 'orders');
    await rds(W).send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-1' }),
    );
    await rds(W).send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'orders-1',
        AttributeName: 'restore',
        ValuesToAdd: [VAULT],
      }),
    );
    await rds(W).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    await rds(W).send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'ledger',
        DBClusterSnapshotIdentifier: 'ledger-1',
      }),
    );
    await rds(W).send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'ledger-1',
        AttributeName: 'restore',
        ValuesToAdd: [VAULT],
      }),
    );
    await sharedEbsSnapshot(moto.clients, W, region, VAULT);
    const shared = [
      ...(await apis.rds.listShared(VAULT, region)),
      ...(await apis.aurora.listShared(VAULT, region)),
      ...(await apis.ebs.listShared(VAULT, region)),
    ];
    await runCopier({ clients: moto.clients, config, catalog, apis }, shared);
  });

  it('threat #31: --dry-run lists the four steps and sends no mutating call (moto)', async () => {
    const rec = recordCommands();
    const report = await restoreSnapshot(ctx(), { service: 'rds', from: 'orders', dryRun: true }).finally(
      rec.stop,
    );
    expect(report.steps.map((s) => [s.step, s.state])).toEqual([
      ['share', 'planned'],
      ['grant', 'planned'],
      ['copy', 'planned'],
      ['restore', 'planned'],
    ]);
    expect(rec.calls.length).toBeGreaterThan(0);
    expect(rec.calls.filter((c) => !/^(Describe|List|Get|Scan)/.test(c))).toEqual([]);
    expect((await rds(RESTORE).send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).toEqual([]);
  });

  it('restores an RDS instance from its newest vault copy: shared, granted, copied under the restore key, restored, each step timed (moto)', async () => {
    const report = await restoreSnapshot(ctx(), { service: 'rds', from: 'orders', pollMs: 10 });
    expect(report.complete).toBe(true);
    expect(report.steps.map((s) => [s.step, s.state])).toEqual([
      ['share', 'done'],
      ['grant', 'done'],
      ['copy', 'done'],
      ['restore', 'done'],
    ]);
    expect(report.steps.every((s) => s.seconds >= 0)).toBe(true);
    const entry = (await catalog.list()).find((e) => e.service === 'rds')!;
    expect(await apis.rds.sharedWith(VAULT, region, entry.vaultCopyId)).toContain(RESTORE);
    const vaultKey = await vaultKeyArn(moto.clients, config, region);
    const grants = await moto.clients
      .for(KMSClient, VAULT, region)
      .send(new ListGrantsCommand({ KeyId: vaultKey }));
    expect(grants.Grants?.map((g) => g.GranteePrincipal)).toContain(
      `arn:aws:iam::${RESTORE}:role/AirGapRestore`,
    );
    const copy = (
      await rds(RESTORE).send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: restoreCopyId(entry) }))
    ).DBSnapshots![0]!;
    expect(copy.KmsKeyId).toBe(
      await keyArnOf(moto.clients, RESTORE, region, RESOURCE_NAMES.restoreKeyAlias(config)),
    );
    const db = (
      await rds(RESTORE).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: report.target.name }))
    ).DBInstances![0]!;
    expect(db.TagList).toContainEqual({ Key: TAGS.restoredFrom, Value: entry.id });
  });

  it('threat #32: a re-run finds every step done and makes nothing twice (moto)', async () => {
    const again = await restoreSnapshot(ctx(), { service: 'rds', from: 'orders', pollMs: 10 });
    expect(again.complete).toBe(true);
    expect(again.steps.every((s) => s.state === 'already-done')).toBe(true);
    expect((await rds(RESTORE).send(new DescribeDBInstancesCommand({}))).DBInstances).toHaveLength(1);
    const copies = await rds(RESTORE).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
    expect(copies.DBSnapshots).toHaveLength(1);
  });

  it('threat #32: refuses a target name that exists and was not restored from this copy, changing nothing (moto)', async () => {
    await dbInstance(moto.clients, RESTORE, region, 'taken');
    await expect(restoreSnapshot(ctx(), { service: 'rds', from: 'orders', to: 'taken' })).rejects.toThrow(
      /already exists in account .* choose another --to/,
    );
  });

  it('restores an Aurora cluster with its first instance, and an EBS volume (moto)', async () => {
    const aurora = await restoreSnapshot(ctx(), { service: 'aurora', from: 'ledger', pollMs: 10 });
    expect(aurora.complete).toBe(true);
    const members = await rds(RESTORE).send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [aurora.target.name] }] }),
    );
    expect(members.DBInstances).toHaveLength(1);
    const entry = (await catalog.list()).find((e) => e.service === 'ebs')!;
    const ebs = await restoreSnapshot(ctx(), { service: 'ebs', from: entry.id, pollMs: 10 });
    expect(ebs.complete).toBe(true);
    const vols = await moto.clients
      .for(EC2Client, RESTORE, region)
      .send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:Name', Values: [ebs.target.name] }] }));
    expect(vols.Volumes).toHaveLength(1);
    expect(vols.Volumes![0]!.Encrypted).toBe(true);
  });

  it('bad --from and --at are one line of bad input (moto)', async () => {
    await expect(restoreSnapshot(ctx(), { service: 'rds', from: 'nope' })).rejects.toBeInstanceOf(InputError);
    const entry = (await catalog.list()).find((e) => e.service === 'aurora')!;
    await expect(restoreSnapshot(ctx(), { service: 'rds', from: entry.id })).rejects.toThrow(
      'use `airgap restore aurora`',
    );
    await expect(
      restoreSnapshot(ctx(), { service: 'rds', from: 'orders', at: new Date('2000-01-01T00:00:00Z') }),
    ).rejects.toThrow(/no completed vault copy taken at or before/);
  });

  it('airgap restore ebs: prints the steps as JSON, exit 0 when restored, 2 on bad input (in-process CLI on moto)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'airgap-')), 'airgap.yaml');
    writeFileSync(file, quickstartYaml(edits));
    const endpoint = moto.server.endpoint;
    const entry = (await catalog.list()).find((e) => e.service === 'ebs')!;
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const cli = (...args: string[]) =>
      run(['node', 'airgap', 'restore', 'ebs', '--config', file, '--endpoint', endpoint, ...args]);
    try {
      expect(await cli('--from', entry.vaultCopyId, '--to', 'cli-volume', '--output', 'json')).toBe(0);
      expect(JSON.parse(out.join('\n'))).toMatchObject({ complete: true, target: { name: 'cli-volume' } });
      expect(await cli('--from', 'no-such-copy')).toBe(2);
      expect(await cli('--from', entry.vaultCopyId, '--at', 'yesterday')).toBe(2);
    } finally {
      log.mockRestore();
    }
  });
});
