import { CopySnapshotCommand, DescribeSnapshotsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CopyDBSnapshotCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients } from '../../aws/clients.js';
import { memoryCatalog } from '../../../test/support/memory-catalog.js';
import { snapshotApis } from './apis.js';
import { catalogId } from '../../catalog/catalog.js';
import { runCopier, vaultCopyId } from './copier.js';
import type { SharedSnapshot } from './model.js';

const config = quickstart();
const region = config.vault.region;

/** The vault key, as KMS describes it by its alias in the vault account. */
function vaultKey() {
  const kms = mockClient(KMSClient);
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', Arn: `arn:aws:kms:${region}:1:key/k` } });
  return kms;
}

const shared = (n: number): SharedSnapshot => ({
  service: 'rds',
  arn: `arn:aws:rds:${region}:100000000002:snapshot:db${n}-s`,
  id: `db${n}-s`,
  sourceAccount: '100000000002',
  region,
  sourceResource: `arn:aws:rds:${region}:100000000002:db:db${n}`,
  createdAt: new Date('2026-11-23T00:00:00Z'),
  encrypted: true,
  sizeGiB: 20,
});

describe('copier back-pressure (client mock: moto cannot copy a shared snapshot nor report copy quotas)', () => {
  it("threat #18: copies each shared encrypted snapshot in its own region under that region's vault key, found by the alias there (client mock: moto cannot copy a shared snapshot)", async () => {
    const rds = mockClient(RDSClient);
    const kms = mockClient(KMSClient);
    kms.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }, getClient) => {
      const at = await getClient().config.region();
      expect(input.KeyId).toBe('alias/quickstart-airgap-vault');
      return { KeyMetadata: { KeyId: `k-${at}`, Arn: `arn:aws:kms:${at}:200000000002:key/k-${at}` } };
    });
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejects(Object.assign(new Error('nf'), { name: 'DBSnapshotNotFound' }));
    rds
      .on(CopyDBSnapshotCommand)
      .callsFake(async (input: { TargetDBSnapshotIdentifier: string }, getClient) => {
        const at = await getClient().config.region();
        return {
          DBSnapshot: {
            DBSnapshotIdentifier: input.TargetDBSnapshotIdentifier,
            DBSnapshotArn: `arn:aws:rds:${at}:200000000002:snapshot:${input.TargetDBSnapshotIdentifier}`,
            Status: 'creating',
          },
        };
      });
    const clients = new AwsClients({
      region,
      roleName: 'r',
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const inRegion = (at: string, n: number): SharedSnapshot => ({
      ...shared(n),
      region: at,
      arn: `arn:aws:rds:${at}:100000000002:snapshot:db${n}-s`,
      sourceResource: `arn:aws:rds:${at}:100000000002:db:db${n}`,
    });
    await runCopier({ clients, config, catalog: memoryCatalog(), apis: snapshotApis(clients) }, [
      inRegion('eu-west-1', 1),
      inRegion('us-east-1', 2),
    ]);
    const keys = rds
      .commandCalls(CopyDBSnapshotCommand)
      .map((c) => [c.args[0].input.SourceDBSnapshotIdentifier?.split(':')[3], c.args[0].input.KmsKeyId]);
    expect(keys.sort()).toEqual([
      ['eu-west-1', 'arn:aws:kms:eu-west-1:200000000002:key/k-eu-west-1'],
      ['us-east-1', 'arn:aws:kms:us-east-1:200000000002:key/k-us-east-1'],
    ]);
    rds.restore();
    kms.restore();
  });

  it('threats #14/#15/#19: ResourceLimitExceeded defers the rest of the region, records nothing, duplicates nothing', async () => {
    const rds = mockClient(RDSClient);
    const kms = vaultKey();
    rds
      .on(DescribeDBSnapshotsCommand)
      .rejects(Object.assign(new Error('nf'), { name: 'DBSnapshotNotFound' }));
    rds
      .on(CopyDBSnapshotCommand)
      .rejects(Object.assign(new Error('quota'), { name: 'ResourceLimitExceeded' }));
    const clients = new AwsClients({
      region,
      roleName: 'r',
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const catalog = memoryCatalog();
    const report = await runCopier(
      { clients, config, catalog, apis: snapshotApis(clients), limits: { rds: 3 } },
      [shared(1), shared(2), shared(3), shared(4)],
    );
    expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
    expect(report.outcomes.map((o) => o.result)).toEqual(['deferred', 'deferred', 'deferred', 'deferred']);
    expect(await catalog.list()).toEqual([]);
    rds.restore();
    kms.restore();
  });

  it('a failed copy names its protected resource, never only the snapshot: the failure metric is per resource (client mock: moto cannot copy a shared snapshot)', async () => {
    const rds = mockClient(RDSClient);
    const kms = vaultKey();
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: vaultCopyId(shared(1).arn) }).resolves({
      DBSnapshots: [
        { DBSnapshotIdentifier: vaultCopyId(shared(1).arn), Status: 'failed', DBSnapshotArn: 'a1' },
      ],
    });
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: vaultCopyId(shared(2).arn) })
      .rejects(Object.assign(new Error('nf'), { name: 'DBSnapshotNotFound' }));
    rds
      .on(CopyDBSnapshotCommand)
      .rejects(Object.assign(new Error('gone'), { name: 'DBSnapshotNotFoundFault' }));
    const clients = new AwsClients({
      region,
      roleName: 'r',
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    // An earlier run's copy of db1 that failed in flight, and db2's source snapshot gone before its copy.
    const inFlight = shared(1);
    const catalog = memoryCatalog([
      {
        id: catalogId(inFlight.arn),
        service: 'rds',
        sourceArn: inFlight.arn,
        sourceAccount: inFlight.sourceAccount,
        sourceResource: inFlight.sourceResource,
        region,
        vaultCopyId: vaultCopyId(inFlight.arn),
        vaultCopyArn: 'a1',
        createdAt: inFlight.createdAt.toISOString(),
        retainUntil: '2027-11-23T00:00:00.000Z',
        state: 'copying',
      },
    ]);
    const report = await runCopier({ clients, config, catalog, apis: snapshotApis(clients) }, [shared(2)]);
    expect(report.outcomes).toMatchObject([
      { result: 'failed', service: 'rds', resource: `arn:aws:rds:${region}:100000000002:db:db1` },
      { result: 'failed', service: 'rds', resource: `arn:aws:rds:${region}:100000000002:db:db2` },
    ]);
    rds.restore();
    kms.restore();
  });

  describe('a just-started copy AWS does not show yet (client mock: moto answers consistently)', () => {
    const clients = new AwsClients({
      region,
      roleName: 'r',
      baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const t0 = new Date('2026-11-23T10:00:00.000Z');
    const at = (minutes: number) => () => new Date(t0.getTime() + minutes * 60_000);
    const notFound = (name: string) => Object.assign(new Error(name), { name });

    it('RDS: not-found right after CopyDBSnapshot is still copying for the grace period, then failed as disappeared', async () => {
      const rds = mockClient(RDSClient);
      const kms = vaultKey();
      rds.on(DescribeDBSnapshotsCommand).rejects(notFound('DBSnapshotNotFound'));
      const target = vaultCopyId(shared(1).arn);
      rds.on(CopyDBSnapshotCommand).resolves({
        DBSnapshot: { DBSnapshotIdentifier: target, DBSnapshotArn: `arn:x:${target}`, Status: 'creating' },
      });
      const catalog = memoryCatalog();
      const ctx = (now: () => Date) => ({ clients, config, catalog, apis: snapshotApis(clients), now });
      const first = await runCopier(ctx(at(0)), [shared(1)]);
      expect(first.outcomes).toMatchObject([{ result: 'copied', entry: { state: 'copying' } }]);
      expect((await catalog.list())[0]).toMatchObject({ state: 'copying', copyStartedAt: t0.toISOString() });

      expect((await runCopier(ctx(at(4)), [])).inFlight).toBe(1);
      expect((await catalog.list())[0]!.state).toBe('copying');

      const late = await runCopier(ctx(at(6)), []);
      expect(late.outcomes).toMatchObject([{ result: 'failed', cause: `vault copy ${target} disappeared` }]);
      expect(rds.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      rds.restore();
      kms.restore();
    });

    it('EBS: a retry of a failed copy follows the new snapshot id and gets its own grace period', async () => {
      const ec2 = mockClient(EC2Client);
      const kms = vaultKey();
      ec2.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });
      ec2.on(CopySnapshotCommand).resolves({ SnapshotId: 'snap-new' });
      const volume: SharedSnapshot = {
        ...shared(1),
        service: 'ebs',
        arn: `arn:aws:ec2:${region}:100000000002:snapshot/snap-src`,
        id: 'snap-src',
        sourceResource: `arn:aws:ec2:${region}:100000000002:volume/vol-1`,
      };
      const catalog = memoryCatalog([
        {
          id: catalogId(volume.arn),
          service: 'ebs',
          sourceArn: volume.arn,
          sourceAccount: volume.sourceAccount,
          sourceResource: volume.sourceResource,
          region,
          vaultCopyId: 'snap-old',
          vaultCopyArn: `arn:aws:ec2:${region}:200000000002:snapshot/snap-old`,
          createdAt: volume.createdAt.toISOString(),
          retainUntil: '2027-11-23T00:00:00.000Z',
          state: 'failed',
          cause: 'vault copy snap-old failed',
        },
      ]);
      const report = await runCopier({ clients, config, catalog, apis: snapshotApis(clients), now: at(0) }, [
        volume,
      ]);
      expect(report.outcomes).toMatchObject([{ result: 'copied', entry: { state: 'copying' } }]);
      const [entry] = await catalog.list();
      expect(entry).toMatchObject({
        state: 'copying',
        vaultCopyId: 'snap-new',
        copyStartedAt: t0.toISOString(),
      });
      expect(entry).not.toHaveProperty('cause');
      ec2.restore();
      kms.restore();
    });
  });
});
