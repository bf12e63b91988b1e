import { CreateGrantCommand, DescribeKeyCommand, KMSClient, ListGrantsCommand } from '@aws-sdk/client-kms';
import {
  CopyDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  RDSClient,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { captureMetrics, keysOf } from '../../test/support/emitted-metrics.js';
import { handlerEnvironment, settingsParameters } from '../../test/support/handler-settings.js';
import type { CatalogEntry } from '../catalog/catalog.js';
import { RESOURCE_NAMES, TAGS } from '../config/names.js';
import { settingsPath } from '../config/settings.js';
import { restoreCopyId } from '../protect/snapshots/restore-plan.js';
import { MAX_RESTORE_RUNS, type RestoreRunSummary } from '../protect/snapshots/restore-request.js';
import type { RestoreRunInput, RestoreSettings } from './snapshot-restore.js';

const config = quickstart();
const { vaultAccount: VAULT, restoreAccount: RESTORE } = config.organizations.vault;
const region = config.vault.region;
const VAULT_KEY = `arn:aws:kms:${region}:${VAULT}:key/vault`;
const RESTORE_KEY = `arn:aws:kms:${region}:${RESTORE}:key/restore`;
const copy = (id: string, createdAt: string): CatalogEntry => ({
  id,
  service: 'rds',
  sourceArn: `arn:aws:rds:${region}:100000000002:snapshot:${id}`,
  sourceAccount: '100000000002',
  sourceResource: `arn:aws:rds:${region}:100000000002:db:payments-db`,
  region,
  vaultCopyId: `airgap-${id}`,
  vaultCopyArn: `arn:aws:rds:${region}:${VAULT}:snapshot:airgap-${id}`,
  createdAt,
  retainUntil: '2099-01-01T00:00:00.000Z',
  state: 'available',
});
const older = copy('c0ffee0000000000000000aa', '2026-11-23T08:00:00.000Z');
const newer = copy('c0ffee0000000000000000bb', '2026-11-23T12:00:00.000Z');
const notFound = (name: string) => Object.assign(new Error(name), { name });

const ssm = mockClient(SSMClient);
const ddb = mockClient(DynamoDBDocumentClient);
const rds = mockClient(RDSClient);
const kms = mockClient(KMSClient);
let catalog: CatalogEntry[];
let handler: (input: RestoreRunInput, context: Context) => Promise<RestoreRunSummary>;
const run = (request: unknown, attempt = 0) =>
  handler({ request, attempt }, { functionName: 'r' } as Context);

beforeAll(async () => {
  const path = settingsPath(config.name, 'snapshot-restore');
  const settings: RestoreSettings = {
    deployment: config.name,
    vaultAccount: VAULT,
    restoreAccount: RESTORE,
    region,
    catalogTable: RESOURCE_NAMES.catalogTable(config),
  };
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: settingsParameters(path, settings) });
  handlerEnvironment('airgap-snapshot-restore', path);
  process.env['AWS_REGION'] = region;
  ({ handler } = await import('./snapshot-restore.js'));
});
const metrics = captureMetrics();
afterAll(() => {
  [ssm, ddb, rds, kms].forEach((m) => m.restore());
  metrics.restore();
});

/** The vault and restore accounts as AWS answers them, mid-restore: what each test changes is the copy's state. */
beforeEach(() => {
  metrics.clear();
  for (const m of [ddb, rds, kms]) m.reset();
  catalog = [older];
  ddb.on(ScanCommand).callsFake(() => Promise.resolve({ Items: catalog }));
  kms.on(DescribeKeyCommand, { KeyId: RESOURCE_NAMES.restoreKeyAlias(config) }).resolves({
    KeyMetadata: { KeyId: 'restore', Arn: RESTORE_KEY },
  });
  kms.on(DescribeKeyCommand, { KeyId: RESOURCE_NAMES.vaultKeyAlias(config) }).resolves({
    KeyMetadata: { KeyId: 'vault', Arn: VAULT_KEY },
  });
  kms.on(ListGrantsCommand).resolves({ Grants: [] });
  kms.on(CreateGrantCommand).resolves({ GrantId: 'g-1' });
  rds.on(DescribeDBSnapshotAttributesCommand).resolves({
    DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: [] }] },
  });
  rds.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
  rds.on(DescribeDBSnapshotsCommand).rejects(notFound('DBSnapshotNotFoundFault'));
  rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: snapshot(older, 'creating') });
});

const snapshot = (e: CatalogEntry, Status: string) => ({
  DBSnapshotIdentifier: restoreCopyId(e),
  DBSnapshotArn: `arn:aws:rds:${region}:${RESTORE}:snapshot:${restoreCopyId(e)}`,
  Status,
  Engine: 'postgres',
});
const instance = (DBInstanceStatus: string) => ({
  DBInstances: [
    {
      DBInstanceIdentifier: 'payments-restored',
      DBInstanceArn: `arn:aws:rds:${region}:${RESTORE}:db:payments-restored`,
      DBInstanceStatus,
      TagList: [{ Key: TAGS.restoredFrom, Value: older.id }],
    },
  ],
});

describe('snapshot restore workflow function (client mock: moto cannot copy a shared snapshot nor move one through its states)', () => {
  it('first run resolves the resource to its vault copy, shares it, grants the vault key to the restore-account AirGapRestoreFlow, starts the copy, and returns pinned to that copy with a backoff', async () => {
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejectsOnce(notFound('DBSnapshotNotFoundFault'))
      .resolves({ DBSnapshots: [snapshot(older, 'creating')] });
    const out = await run({ service: 'rds', from: 'payments-db', to: 'payments-restored' });
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)[0]!.args[0].input).toEqual({
      DBSnapshotIdentifier: older.vaultCopyId,
      AttributeName: 'restore',
      ValuesToAdd: [RESTORE],
    });
    expect(kms.commandCalls(CreateGrantCommand)[0]!.args[0].input).toMatchObject({
      KeyId: VAULT_KEY,
      GranteePrincipal: `arn:aws:iam::${RESTORE}:role/AirGapRestoreFlow`,
      Operations: ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'],
    });
    expect(rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      SourceDBSnapshotIdentifier: older.vaultCopyArn,
      KmsKeyId: RESTORE_KEY,
    });
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
    expect(out).toMatchObject({
      complete: false,
      next: { service: 'rds', from: older.id, to: 'payments-restored' },
      copy: older.id,
      target: { account: RESTORE, region, name: 'payments-restored' },
      waitSeconds: 60,
    });
    expect(out.steps.map((s) => [s.step, s.state])).toEqual([
      ['share', 'done'],
      ['grant', 'done'],
      ['copy', 'in-progress'],
    ]);
  });

  it('threat #16: a later run, pinned, finds share, grant and copy done, restores, and a newer vault copy that landed meanwhile changes nothing', async () => {
    catalog = [older, newer];
    rds.on(DescribeDBSnapshotAttributesCommand).resolves({
      DBSnapshotAttributesResult: {
        DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: [RESTORE] }],
      },
    });
    kms.on(ListGrantsCommand).resolves({ Grants: [{ Name: `airgap-restore-${older.id}`, GrantId: 'g-1' }] });
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot(older, 'available')] });
    rds
      .on(RestoreDBInstanceFromDBSnapshotCommand)
      .resolves({ DBInstance: instance('creating').DBInstances[0] });
    rds
      .on(DescribeDBInstancesCommand)
      .rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolves(instance('creating'));
    const out = await run({ service: 'rds', from: older.id, to: 'payments-restored' }, 3);
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
    expect(kms.commandCalls(CreateGrantCommand)).toHaveLength(0);
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBInstanceIdentifier: 'payments-restored',
      DBSnapshotIdentifier: restoreCopyId(older),
    });
    expect(out).toMatchObject({ complete: false, copy: older.id, waitSeconds: 480 });

    rds.on(DescribeDBInstancesCommand).resolves(instance('available'));
    const last = await run(out.next, 4);
    expect(last).toMatchObject({
      complete: true,
      restored: { arn: `arn:aws:rds:${region}:${RESTORE}:db:payments-restored`, status: 'available' },
    });
    expect(rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(1);
    expect(metrics.documents().map(keysOf)).toEqual([['Service', 'SnapshotRestoresCompleted']]);
  });

  it('a failed restore-account copy fails the run with the cause (the workflow ends in its Fail state) and counts in RestoreFailures per service, with exactly the dashboard’s dimensions', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot(older, 'creating')] });
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejectsOnce(notFound('DBSnapshotNotFoundFault'))
      .resolves({ DBSnapshots: [snapshot(older, 'failed')] });
    await expect(run({ service: 'rds', from: older.id })).rejects.toThrow(/copy .* failed/);
    const failures = metrics.documents().filter((m) => 'RestoreFailures' in m);
    expect(failures.map(keysOf)).toEqual([['RestoreFailures', 'Service']]);
    expect(failures[0]).toMatchObject({ Service: 'rds', RestoreFailures: 1 });
    // Exactly these: SCHEMA("AirGapRecover", Service) sees nothing with Powertools' default service dimension.
    expect(failures[0]!._aws.CloudWatchMetrics).toEqual([
      expect.objectContaining({ Namespace: 'AirGapRecover', Dimensions: [['Service']] }),
    ]);
  });

  it('the last run with the restore still unfinished counts in RestoreFailures (the workflow gives up after it); an earlier one does not', async () => {
    rds.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snapshot(older, 'creating')] });
    const failures = () => metrics.documents().filter((m) => 'RestoreFailures' in m);
    await run({ service: 'rds', from: older.id }, MAX_RESTORE_RUNS - 2);
    expect(failures()).toEqual([]);
    const last = await run({ service: 'rds', from: older.id }, MAX_RESTORE_RUNS - 1);
    expect(last.complete).toBe(false);
    expect(failures()).toEqual([expect.objectContaining({ Service: 'rds', RestoreFailures: 1 })]);
  });

  it('threat #32: a target of that name restored from something else is refused as bad input, nothing shared', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ ...instance('available').DBInstances[0], TagList: [] }],
    });
    await expect(run({ service: 'rds', from: older.id, to: 'payments-restored' })).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/already exists .*\(nothing is overwritten\)/),
    });
    expect(rds.commandCalls(ModifyDBSnapshotAttributeCommand)).toHaveLength(0);
  });

  it('a malformed execution input is refused as InputError naming every bad field, before any AWS call', async () => {
    await expect(run({ service: 'fsx', at: 'yesterday', extra: 1 })).rejects.toMatchObject({
      name: 'InputError',
      lines: [
        'restore request: unknown field extra; allowed: service, from, at, to',
        'restore request: service fsx is not one of rds, aurora, ebs',
        'restore request: from must be a non-empty string, got nothing',
        'restore request: at yesterday is not an ISO 8601 time (e.g. 2026-11-23T08:00:00Z)',
      ],
    });
    expect(ddb.calls()).toHaveLength(0);
    expect(rds.calls()).toHaveLength(0);
  });
});
