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

describe('airgap backup status and restore --from backup (in-process CLI; client mock: moto has no recovery points, jobs or restores)', () => {
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
          RecoveryPointArn: 'arn:aws:backup:us-east-1:100000000004:recovery-point:p1',
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

  it('restore --from backup --dry-run exits 0 and starts nothing; a target outside the restore prefix exits 2', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const dry = argv(
      'restore',
      '--from',
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

  it('restore without a kind or --from, with another --from, or without --resource/--recovery-point exits 2 naming what is missing', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await run(argv('restore'))).toBe(2);
    expect(String(errors.mock.calls.at(-1)![0])).toMatch(
      /airgap restore s3\|rds\|aurora\|ebs .*airgap restore --from backup/,
    );
    expect(
      await run(argv('restore', '--from', 'vault', '--resource', 'x', '--recovery-point', 'latest')),
    ).toBe(2);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(
      /--from <source>' argument 'vault' is invalid\. Allowed choices are backup/,
    );
    expect(await run(argv('restore', '--from', 'backup', '--resource', 'payments-invoices'))).toBe(2);
    expect(String(errors.mock.calls.at(-1)![0])).toBe(
      'restore --from backup: missing --recovery-point <arn|latest>',
    );
    expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
  });

  it('one form only: `restore backup` is not a command; `restore aurora --from <id>` keeps its own --from', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(
      await run(argv('restore', 'backup', '--resource', 'payments-invoices', '--recovery-point', 'latest')),
    ).toBe(2);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/too many arguments|unknown command/);
    stderr.mockClear();
    // Reaching the config loader (a missing file) proves the subcommand, not the group, took --from.
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(
      await run([
        'node',
        'airgap',
        'restore',
        'aurora',
        '--from',
        'payments-ledger',
        '--config',
        'no-such.yaml',
      ]),
    ).toBe(2);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).not.toMatch(/required option/);
    expect(String(errors.mock.calls.at(-1)![0])).toMatch(/no-such\.yaml/);
  });
});
