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
// fromTemporaryCredentials assumes roles with the SDK's nested STS client: the one to mock.
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { mockSts, sentAs } from '../../../test/support/assumed-role.js';
import { quickstart } from '../../../test/support/config.js';
import { memoryCatalog } from '../../../test/support/memory-catalog.js';
import { paymentsDbCopy } from '../../../test/support/snapshot-fixtures.js';
import { AwsClients } from '../../aws/clients.js';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS } from '../../config/index.js';
import { snapshotApis } from './apis.js';
import { restoreCopyId } from './restore-plan.js';
import { restoreSnapshot } from './restore.js';

const config = quickstart();
const { vaultAccount: VAULT, restoreAccount: RESTORE } = config.organizations.vault;
const region = config.vault.region;
const VAULT_KEY = `arn:aws:kms:${region}:${VAULT}:key/vault`;
const RESTORE_KEY = `arn:aws:kms:${region}:${RESTORE}:key/restore`;
const entry = paymentsDbCopy(VAULT, region);
const notFound = (name: string) => Object.assign(new Error(name), { name });
const copyId = restoreCopyId(entry);
const snapshot = (Status: string) => ({
  DBSnapshots: [
    { DBSnapshotIdentifier: copyId, DBSnapshotArn: `arn:x:${copyId}`, Status, Engine: 'postgres' },
  ],
});
const instance = (DBInstanceStatus: string) => ({
  DBInstances: [
    {
      DBInstanceIdentifier: 'r',
      DBInstanceArn: 'arn:aws:rds:db:r',
      DBInstanceStatus,
      TagList: [{ Key: TAGS.restoredFrom, Value: entry.id }],
    },
  ],
});

function mocks() {
  const rds = mockClient(RDSClient);
  const kms = mockClient(KMSClient);
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
  rds.on(CopyDBSnapshotCommand).resolves({ DBSnapshot: snapshot('creating').DBSnapshots[0] });
  rds
    .on(RestoreDBInstanceFromDBSnapshotCommand)
    .resolves({ DBInstance: instance('creating').DBInstances[0] });
  // The DB exists once restored: first seen creating, then available.
  let reads = 0;
  rds.on(DescribeDBInstancesCommand).callsFake(async () => {
    if (rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand).length === 0)
      throw notFound('DBInstanceNotFoundFault');
    return Promise.resolve(instance(reads++ === 0 ? 'creating' : 'available'));
  });
  return { rds, kms, restore: () => (rds.restore(), kms.restore()) };
}

// As the CLI builds them on AWS: the operator in every account, the restore role for the restore account's steps.
const clients = new AwsClients({
  region,
  roleName: ROLE_NAMES.operator,
  baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
});
const restoreClients = clients.as(ROLE_NAMES.restore);
const ctx = () => ({
  clients,
  config,
  catalog: memoryCatalog([entry]),
  apis: snapshotApis(clients),
  restore: { clients: restoreClients, apis: snapshotApis(restoreClients) },
});

let active: ReturnType<typeof mocks> | undefined;
afterEach(() => active?.restore());

describe('snapshot restore across accounts (client mock: moto cannot copy a shared snapshot nor move one through its states)', () => {
  it('copies the shared vault copy by ARN under the restore key, waits for it, restores from it, waits for the DB', async () => {
    const m = (active = mocks());
    m.rds
      .on(DescribeDBSnapshotsCommand)
      .rejectsOnce(notFound('DBSnapshotNotFoundFault'))
      .resolvesOnce(snapshot('creating'))
      .resolves(snapshot('available'));
    const report = await restoreSnapshot(ctx(), { service: 'rds', from: 'payments-db', pollMs: 1 });
    expect(report.complete).toBe(true);
    expect(m.rds.commandCalls(ModifyDBSnapshotAttributeCommand)[0]!.args[0].input).toEqual({
      DBSnapshotIdentifier: entry.vaultCopyId,
      AttributeName: 'restore',
      ValuesToAdd: [RESTORE],
    });
    expect(m.kms.commandCalls(CreateGrantCommand)[0]!.args[0].input).toMatchObject({
      KeyId: VAULT_KEY,
      GranteePrincipal: `arn:aws:iam::${RESTORE}:role/AirGapRestore`,
      Operations: expect.arrayContaining(['Decrypt', 'CreateGrant']),
    });
    expect(m.rds.commandCalls(CopyDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      SourceDBSnapshotIdentifier: entry.vaultCopyArn,
      TargetDBSnapshotIdentifier: copyId,
      KmsKeyId: RESTORE_KEY,
    });
    expect(m.rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)[0]!.args[0].input).toMatchObject({
      DBSnapshotIdentifier: copyId,
      PubliclyAccessible: false,
    });
    expect(report.restored?.status).toBe('available');
  });

  it('threat #16: a copy still running after the wait stops before the restore; the re-run resumes without a second copy', async () => {
    const m = (active = mocks());
    m.rds
      .on(DescribeDBSnapshotsCommand)
      .rejectsOnce(notFound('DBSnapshotNotFoundFault'))
      .resolves(snapshot('creating'));
    const first = await restoreSnapshot(ctx(), { service: 'rds', from: entry.id, waitMs: 5, pollMs: 1 });
    expect(first.complete).toBe(false);
    expect(first.steps.at(-1)).toMatchObject({ step: 'copy', state: 'in-progress' });
    expect(m.rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);

    m.rds.on(DescribeDBSnapshotsCommand).resolves(snapshot('available'));
    const second = await restoreSnapshot(ctx(), { service: 'rds', from: entry.id, pollMs: 1 });
    expect(second.complete).toBe(true);
    expect(m.rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    expect(second.steps.find((s) => s.step === 'copy')?.state).toBe('already-done');
  });

  it('a restore-account copy AWS does not show yet right after CopyDBSnapshot is still copying, not failed (client mock: moto answers consistently)', async () => {
    const m = (active = mocks());
    m.rds.on(DescribeDBSnapshotsCommand).rejects(notFound('DBSnapshotNotFoundFault'));
    const run = await restoreSnapshot(ctx(), { service: 'rds', from: entry.id, waitMs: 0 });
    expect(run.complete).toBe(false);
    expect(run.steps.at(-1)).toMatchObject({ step: 'copy', state: 'in-progress' });
    expect(m.rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
  });

  it('copies and restores as the restore role (the key grantee) in the restore account; shares and grants as the vault account operator (client mock: moto checks no role)', async () => {
    const m = (active = mocks());
    const sts = mockSts();
    try {
      m.rds
        .on(DescribeDBSnapshotsCommand)
        .rejectsOnce(notFound('DBSnapshotNotFoundFault'))
        .resolves(snapshot('available'));
      const report = await restoreSnapshot(ctx(), { service: 'rds', from: entry.id, pollMs: 1 });
      expect(report.complete).toBe(true);
      const restoreRole = `${RESTORE}/${ROLE_NAMES.restore}`;
      const vaultOperator = `${VAULT}/${ROLE_NAMES.operator}`;
      expect(await sentAs(m.rds.commandCalls(CopyDBSnapshotCommand))).toEqual([restoreRole]);
      expect(await sentAs(m.rds.commandCalls(RestoreDBInstanceFromDBSnapshotCommand))).toEqual([restoreRole]);
      expect(await sentAs(m.rds.commandCalls(ModifyDBSnapshotAttributeCommand))).toEqual([vaultOperator]);
      expect(await sentAs(m.kms.commandCalls(CreateGrantCommand))).toEqual([vaultOperator]);
      // The restore key is looked up by the role that encrypts with it.
      const keyLookups = m.kms
        .commandCalls(DescribeKeyCommand)
        .filter((c) => c.args[0].input.KeyId === RESOURCE_NAMES.restoreKeyAlias(config));
      expect(await sentAs(keyLookups)).toEqual([restoreRole]);
    } finally {
      sts.restore();
    }
  });
});
