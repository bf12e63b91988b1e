import { CreateKeyCommand, DeleteAliasCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { preflight } from '../src/protect/snapshots/preflight.js';
import { RESOURCE_NAMES } from '../src/config/index.js';
import { keyArnOf } from '../src/protect/kms/key-facts.js';
import { snapshotApis } from '../src/protect/snapshots/apis.js';
import { recopyId, shareWithVault, type ShareContext } from '../src/protect/snapshots/share.js';
import { provisionSnapshotSandbox } from '../src/sandbox/snapshot-provision.js';
import { quickstart, quickstartYaml } from './support/config.js';
import { useMoto } from './support/moto.js';
import { dbInstance } from './support/snapshot-fixtures.js';

const W = '530000000002';
const W2 = '530000000005';
const VAULT = '540000000002';
const edits: Parameters<typeof quickstart>[0] = [
  [['organizations', 'source', 'managementAccount'], '530000000001'],
  [
    ['organizations', 'source', 'workloadAccounts'],
    [
      { id: W, name: 'payments' },
      { id: W2, name: 'crm' },
    ],
  ],
  [['organizations', 'source', 'backupAccount'], '530000000003'],
  [['organizations', 'vault', 'managementAccount'], '540000000001'],
  [['organizations', 'vault', 'vaultAccount'], VAULT],
  [['organizations', 'source', 'airGapAccount'], '530000000009'],
  [['organizations', 'vault', 'restoreAccount'], '540000000004'],
  [
    ['protect'],
    {
      rds: [
        { account: W, names: ['orders', 'crm', 'legacy', 'ghost'] },
        { account: W2, names: ['keyless'] },
      ],
      aurora: [{ account: W, names: ['ledger'] }],
      ebs: [{ account: W, tags: { airgap: 'protect' } }],
    },
  ],
];
const config = quickstart(edits);
const region = config.vault.region;
const alias = RESOURCE_NAMES.sourceKeyAlias(config);

describe('share step on the sandbox (moto)', () => {
  const moto = useMoto(region);
  let ctx: ShareContext;
  let shareKey: string;
  const rds = (account = W) => moto.clients.for(RDSClient, account, region);
  const instance = async (id: string, account = W, kms?: string) => {
    await dbInstance(moto.clients, account, region, id, kms);
    await rds(account).send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: `${id}-1` }),
    );
  };
  const req = (snapshotId: string, service: 'rds' | 'aurora' | 'ebs' = 'rds', account = W) => ({
    service,
    account,
    region,
    snapshotId,
  });
  const sharedWith = (id: string, account = W) => ctx.apis.rds.sharedWith(account, region, id);

  beforeAll(async () => {
    await provisionSnapshotSandbox(moto.clients, config);
    ctx = { clients: moto.clients, config, apis: snapshotApis(moto.clients) };
    shareKey = (await keyArnOf(moto.clients, W, region, alias))!;
    const other = await moto.clients.for(KMSClient, W, region).send(new CreateKeyCommand({}));
    await instance('orders', W, shareKey);
    await instance('crm', W, other.KeyMetadata!.Arn!);
    await instance('legacy', W);
    await instance('scratch', W, shareKey);
    await instance('keyless', W2);
    await moto.clients.for(KMSClient, W2, region).send(new DeleteAliasCommand({ AliasName: alias }));
    await rds().send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'ledger',
        Engine: 'aurora-postgresql',
        MasterUsername: 'u',
        MasterUserPassword: 'password1',
      }),
    );
    await rds().send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'ledger',
        DBClusterSnapshotIdentifier: 'ledger-1',
      }),
    );
  });

  it('threat #13: the KMS preflight finds every resource the vault could not copy, one line each with the change to make (moto)', async () => {
    const report = await preflight({ ...ctx, config });
    const found = report.findings.map((f) => [f.subject.split(/[:/]/).pop(), f.kind]).sort();
    expect(found).toEqual([
      [`account ${W2} ${region}`, 'no-share-key'],
      ['crm', 'not-granted'],
      ['ghost', 'missing'],
      ['keyless', 'unencrypted'],
      ['ledger', 'unencrypted'],
      ['legacy', 'unencrypted'],
    ]);
    expect(report.findings.find((f) => f.subject.endsWith(':ledger'))!.fix).toContain(
      `--kms-key-id ${alias}`,
    );
    expect(report.checked.resources).toBe(5);
  });

  it('airgap preflight exits 1 and prints one line per finding (in-process CLI on moto)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'airgap-')), 'airgap.yaml');
    writeFileSync(file, quickstartYaml(edits));
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void out.push(text));
    const code = await run([
      'node',
      'airgap',
      'preflight',
      '--config',
      file,
      '--endpoint',
      moto.server.endpoint,
    ]).finally(() => log.mockRestore());
    expect(code).toBe(1);
    const lines = out.join('\n').split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(6);
    expect(lines.find((l) => l.includes(':crm '))).toContain(`encrypt DB instance crm with ${alias}`);
  });

  it('shares a snapshot under the share key with the vault once, however often the event comes', async () => {
    expect(await shareWithVault(ctx, req('orders-1'))).toMatchObject({ action: 'shared', notes: [] });
    expect(await shareWithVault(ctx, req('orders-1'))).toMatchObject({ action: 'already-shared' });
    expect(await sharedWith('orders-1')).toEqual([VAULT]);
  });

  it('threat #13: a key that does not grant the vault is never shared; a re-copy under the share key is, and the note says what to change', async () => {
    const first = await shareWithVault(ctx, req('crm-1'));
    expect(first).toMatchObject({ action: 'recopying' });
    expect(first.notes[0]).toContain(`does not allow account ${VAULT} kms:Decrypt and kms:CreateGrant`);
    expect(first.notes[0]).toContain(`encrypt DB instance crm with ${alias}`);
    const second = await shareWithVault(ctx, req('crm-1'));
    const id = recopyId(first.snapshot);
    expect(second).toMatchObject({ action: 'shared', shared: expect.stringContaining(id) });
    expect(await sharedWith('crm-1')).toEqual([]);
    expect(await sharedWith(id)).toEqual([VAULT]);
    const copy = (await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id })))
      .DBSnapshots![0]!;
    expect(copy.KmsKeyId).toBe(shareKey);
    // Its own completion event later: already shared, no third snapshot.
    expect(await shareWithVault(ctx, req(id))).toMatchObject({ action: 'already-shared' });
    expect(await shareWithVault(ctx, req('crm-1'))).toMatchObject({ action: 'already-shared' });
    const all = await rds().send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'crm' }));
    expect(all.DBSnapshots?.filter((x) => x.SnapshotType === 'manual')).toHaveLength(2);
  });

  it('copies an automated snapshot to a manual one under the share key, since AWS shares only manual ones', async () => {
    const auto = await rds().send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'orders', SnapshotType: 'automated' }),
    );
    const id = auto.DBSnapshots![0]!.DBSnapshotIdentifier!;
    const first = await shareWithVault(ctx, req(id));
    expect(first.action).toBe('recopying');
    expect(first.notes[0]).toContain('is an automated snapshot, which AWS does not let you share');
    expect(await shareWithVault(ctx, req(id))).toMatchObject({ action: 'shared' });
    expect(await sharedWith(recopyId(first.snapshot))).toEqual([VAULT]);
  });

  it('threat #13: an unencrypted DB snapshot is re-copied encrypted under the share key before the vault sees it', async () => {
    await shareWithVault(ctx, req('legacy-1'));
    const done = await shareWithVault(ctx, req('legacy-1'));
    expect(done.action).toBe('shared');
    expect(done.notes[0]).toContain('is not encrypted');
    const copy = (
      await rds().send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: recopyId(done.snapshot) }))
    ).DBSnapshots![0]!;
    expect([copy.Encrypted, copy.KmsKeyId]).toEqual([true, shareKey]);
    expect(await sharedWith('legacy-1')).toEqual([]);
  });

  it('refuses an unencrypted Aurora snapshot (copying cannot encrypt it) and says how to fix it', async () => {
    const out = await shareWithVault(ctx, req('ledger-1', 'aurora'));
    expect(out.action).toBe('refused');
    expect(out.notes[0]).toContain(`--kms-key-id ${alias}`);
    expect(await ctx.apis.aurora.sharedWith(W, region, 'ledger-1')).toEqual([]);
  });

  it('refuses when the share key is missing, naming the StackSet instance to deploy', async () => {
    const out = await shareWithVault(ctx, req('keyless-1', 'rds', W2));
    expect(out.action).toBe('refused');
    expect(out.notes[0]).toContain(`${alias} does not exist in account ${W2}`);
    expect(await sharedWith('keyless-1', W2)).toEqual([]);
  });

  it('leaves snapshots of resources the config does not protect alone', async () => {
    expect(await shareWithVault(ctx, req('scratch-1'))).toMatchObject({ action: 'not-protected' });
    expect(await sharedWith('scratch-1')).toEqual([]);
  });
});
