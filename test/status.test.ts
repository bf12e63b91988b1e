import {
  BackupClient,
  ListBackupVaultsCommand,
  ListRecoveryPointsByBackupVaultCommand,
} from '@aws-sdk/client-backup';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedBuckets } from '../src/config/index.js';
import { emulateReplication } from '../src/sandbox/replication-emulator.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { vaultStatus } from '../src/status/status.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '610000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], '610000000002'],
  [['organizations', 'source', 'backupAccount'], '610000000003'],
  [['organizations', 'vault', 'managementAccount'], '620000000001'],
  [['organizations', 'vault', 'vaultAccount'], '620000000002'],
  [['organizations', 'source', 'airGapAccount'], '610000000009'],
  [['organizations', 'vault', 'restoreAccount'], '620000000004'],
  [
    ['protect'],
    {
      s3: [{ account: '610000000002', names: ['status-src'] }],
      rds: [{ account: '610000000002', names: ['db1'] }],
    },
  ],
]);
const bucket = protectedBuckets(config)[0]!;
const dbArn = 'arn:aws:rds:us-east-1:610000000002:db:db1';

const cloudWatch = mockClient(CloudWatchClient);
const backup = mockClient(BackupClient);

describe('status on the sandbox (moto: S3 canary, snapshots; client mock: CloudWatch replication metrics, AWS Backup)', () => {
  const moto = useMoto();

  beforeAll(async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'latency', Values: [42] },
        { Id: 'failed', Values: [] },
      ],
    });
    backup.on(ListBackupVaultsCommand).resolves({ BackupVaultList: [{ BackupVaultName: 'airgap' }] });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({ RecoveryPoints: [] });
    await provisionSandbox(moto.clients, config);
  });
  afterAll(() => {
    cloudWatch.restore();
    backup.restore();
  });

  it('lists resources that never reached the vault first and fails the RPO for them', async () => {
    const report = await vaultStatus(moto.clients, config, { writeCanary: true });
    expect(report.resources.slice(0, 3).map((r) => [r.state, r.path, r.resource])).toEqual([
      ['never-reached', 'snapshot-copy', dbArn],
      ['never-reached', 'aws-backup', dbArn],
      ['never-reached', 's3-replication', bucket.bucket],
    ]);
    expect(report.outsideRpo).toBe(3);
  });

  it('threat #4: the canary proves replication; a later run sees it in the vault with its age (moto, replication emulated)', async () => {
    await emulateReplication(moto.clients, config);
    const later = new Date(Date.now() + 5 * 60_000);
    const report = await vaultStatus(moto.clients, config, { writeCanary: true, now: later });
    const s3 = report.resources.find((r) => r.path === 's3-replication')!;
    expect(s3.state).toBe('within-rpo');
    expect(s3.ageMinutes).toBeGreaterThanOrEqual(4);
    expect(s3.detail).toContain('replication latency 42 s');
    const stale = await vaultStatus(moto.clients, config, {
      writeCanary: false,
      now: new Date(Date.now() + 60 * 60_000),
    });
    expect(stale.resources.find((r) => r.path === 's3-replication')!.state).toBe('outside-rpo');
  });

  it('an AWS Backup recovery point within the RPO counts (client mock: AWS Backup)', async () => {
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: 'rp1',
          ResourceArn: dbArn,
          Status: 'COMPLETED',
          CreationDate: new Date(),
          Lifecycle: { DeleteAfterDays: 30 },
        },
      ],
    });
    const report = await vaultStatus(moto.clients, config, { writeCanary: false });
    const row = report.resources.find((r) => r.path === 'aws-backup')!;
    expect([row.state, row.retentionDays]).toEqual(['within-rpo', 30]);
  });
});
