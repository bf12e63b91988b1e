import {
  BackupClient,
  DescribeBackupVaultCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';

const BUCKET = 'arn:aws:s3:::payments-invoices';
const argv = (...args: string[]) => ['node', 'airgap', ...args, '--config', 'examples/quickstart.yaml'];

describe('airgap backup status and restore backup (in-process CLI; client mock: moto has no recovery points, jobs or restores)', () => {
  const backup = mockClient(BackupClient);
  const kms = mockClient(KMSClient);
  const s3 = mockClient(S3Client);
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  beforeAll(() => {
    // A real endpoint is never reached: every client call is answered by the mocks.
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9';
    backup
      .on(DescribeBackupVaultCommand)
      .resolves({ BackupVaultName: 'v', Locked: true, LockDate: new Date(0) });
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: 'arn:aws:backup:us-east-1:200000000003:recovery-point:p1',
          ResourceArn: BUCKET,
          Status: 'COMPLETED',
          CreationDate: new Date('2026-11-22T05:00:00Z'),
        },
      ],
    });
    backup.on(ListBackupJobsCommand).resolves({ BackupJobs: [] });
    backup.on(ListCopyJobsCommand).resolves({ CopyJobs: [] });
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: {} });
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'k', Arn: 'arn:aws:kms:us-east-1:200000000004:key/k' } });
    s3.on(HeadBucketCommand).rejects(Object.assign(new Error('NotFound'), { name: 'NotFound' }));
  });
  afterAll(() => {
    for (const m of [backup, kms, s3]) m.restore();
    if (endpoint === undefined) delete process.env['AWS_ENDPOINT_URL'];
    else process.env['AWS_ENDPOINT_URL'] = endpoint;
    vi.restoreAllMocks();
  });

  it('backup status prints JSON and exits 1 while a layer has no recovery point within the RPO', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await run(argv('backup', 'status', '--output', 'json'))).toBe(1);
    const report = JSON.parse(String(out.mock.calls[0]![0])) as { outsideRpo: number; layers: unknown[] };
    expect(report.outsideRpo).toBeGreaterThan(0);
    expect(report.layers.length).toBeGreaterThan(0);
  });

  it('restore backup --dry-run exits 0 and starts nothing; a target outside the restore prefix exits 2', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const dry = argv(
      'restore',
      'backup',
      '--resource',
      'payments-invoices',
      '--recovery-point',
      'latest',
      '--dry-run',
    );
    expect(await run([...dry, '--output', 'json'])).toBe(0);
    expect(JSON.parse(String(out.mock.calls.at(-1)![0]))).toMatchObject({ dryRun: true, resource: BUCKET });
    expect(await run([...dry, '--to', 'prod-bucket'])).toBe(2);
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });
});
