import {
  BackupClient,
  DescribeBackupVaultCommand,
  DescribeCopyJobCommand,
  DescribeGlobalSettingsCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  ListCopyJobsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  ListRestoreJobsCommand,
  StartCopyJobCommand,
  StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESOURCE_NAMES, TAGS } from '../src/config/names.js';
import { CheckFailed, InputError } from '../src/errors.js';
import { restoreEfs } from '../src/protect/efs/restore.js';
import { ensureKey } from '../src/sandbox/keys.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';

const W = '100000000002';
const VAULT = '200000000002';
const RESTORE = '200000000004';
const region = 'us-east-1';
const source = `arn:aws:elasticfilesystem:${region}:${W}:file-system/fs-0123456789abcdef0`;
const config = quickstart([[['protect', 'efs'], [{ account: W, names: ['fs-0123456789abcdef0'] }]]]);
const restoreVault = `arn:aws:backup:${region}:${RESTORE}:backup-vault:${RESOURCE_NAMES.efsRestoreBackupVault(config)}`;
const point = (n: number) => `arn:aws:backup:${region}:${VAULT}:recovery-point:p${n}`;
const copied = `arn:aws:backup:${region}:${RESTORE}:recovery-point:c1`;
const fast = { pollMs: 1, waitMs: 60_000 };

// moto serves EFS (the vault replica, the restore account's file systems) and KMS; it has no AWS Backup jobs or
// recovery points, so AWS Backup is a client mock shaped like its documented responses.
describe('airgap restore efs (moto: EFS, KMS; client mock: moto lacks AWS Backup copy and restore jobs)', () => {
  const moto = useMoto();
  const backup = mockClient(BackupClient);
  let replica: string;

  beforeAll(async () => {
    const fs = await moto.clients.for(EFSClient, VAULT, region).send(
      new CreateFileSystemCommand({
        CreationToken: 'replica',
        Encrypted: true,
        Tags: [{ Key: TAGS.sourceArn, Value: source }],
      }),
    );
    replica = fs.FileSystemArn!;
    await ensureKey(moto.clients, RESTORE, region, RESOURCE_NAMES.restoreKeyAlias(config));
  });
  afterAll(() => backup.restore());

  beforeEach(() => {
    backup.reset();
    backup.on(ListRecoveryPointsByBackupVaultCommand).resolves({
      RecoveryPoints: [
        {
          RecoveryPointArn: point(1),
          ResourceArn: replica,
          CreationDate: new Date('2026-11-22T00:00:00Z'),
          Status: 'COMPLETED',
        },
        {
          RecoveryPointArn: point(2),
          ResourceArn: replica,
          CreationDate: new Date('2026-11-23T00:00:00Z'),
          Status: 'COMPLETED',
        },
        {
          RecoveryPointArn: point(3),
          ResourceArn: replica,
          CreationDate: new Date('2026-11-23T06:00:00Z'),
          Status: 'PARTIAL',
        },
      ],
    });
    backup.on(DescribeBackupVaultCommand).resolves({ BackupVaultArn: restoreVault });
    backup
      .on(DescribeGlobalSettingsCommand)
      .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'true' } });
    backup.on(ListCopyJobsCommand).resolves({ CopyJobs: [] });
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    backup.on(StartCopyJobCommand).resolves({ CopyJobId: 'copy-1' });
    backup
      .on(DescribeCopyJobCommand)
      .resolvesOnce({ CopyJob: { CopyJobId: 'copy-1', State: 'RUNNING' } })
      .resolves({
        CopyJob: { CopyJobId: 'copy-1', State: 'COMPLETED', DestinationRecoveryPointArn: copied },
      });
    backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
      RestoreMetadata: { 'file-system-id': replica.split('/').pop()!, PerformanceMode: 'generalPurpose' },
    });
    backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'restore-1' });
  });
  const started = () => [
    ...backup.commandCalls(StartCopyJobCommand),
    ...backup.commandCalls(StartRestoreJobCommand),
  ];

  it('threat #31: --dry-run picks the newest completed recovery point at or before --at and starts nothing', async () => {
    const report = await restoreEfs(moto.clients, config, {
      from: 'fs-0123456789abcdef0',
      at: new Date('2026-11-22T12:00:00Z'),
      dryRun: true,
    });
    expect(report.recoveryPoint).toEqual({ arn: point(1), createdAt: '2026-11-22T00:00:00.000Z' });
    expect(report.steps.map((s) => [s.step, s.state])).toEqual([
      ['copy', 'planned'],
      ['restore', 'planned'],
    ]);
    expect(report.target.name).toBe('airgap-restore-fs-0123456789abcdef0-202611220000');
    expect(started()).toEqual([]);
  });

  it('copies the newest completed point into the restore vault with the vault backup role, then restores a new file system under the restore key, timing each step', async () => {
    const restored = await moto.clients
      .for(EFSClient, RESTORE, region)
      .send(new CreateFileSystemCommand({ CreationToken: 'made-by-aws-backup' }));
    backup.on(DescribeRestoreJobCommand).resolves({
      RestoreJobId: 'restore-1',
      Status: 'COMPLETED',
      CreatedResourceArn: restored.FileSystemArn,
    });
    const report = await restoreEfs(moto.clients, config, { from: source, ...fast });
    expect(backup.commandCalls(StartCopyJobCommand).map((c) => c.args[0].input)).toEqual([
      {
        RecoveryPointArn: point(2),
        SourceBackupVaultName: RESOURCE_NAMES.efsReplicaBackupVault(config),
        DestinationBackupVaultArn: restoreVault,
        IamRoleArn: `arn:aws:iam::${VAULT}:role/AirGapVaultBackup`,
        IdempotencyToken: expect.any(String),
        Lifecycle: { DeleteAfterDays: 7 },
      },
    ]);
    const [restore] = backup.commandCalls(StartRestoreJobCommand).map((c) => c.args[0].input);
    expect(restore).toMatchObject({
      RecoveryPointArn: copied,
      IamRoleArn: `arn:aws:iam::${RESTORE}:role/AirGapBackupRestoreService`,
      ResourceType: 'EFS',
      Metadata: {
        'file-system-id': replica.split('/').pop(),
        newFileSystem: 'true',
        Encrypted: 'true',
        KmsKeyId: expect.stringMatching(new RegExp(`^arn:aws:kms:${region}:${RESTORE}:key/`)),
        CreationToken: 'airgap-restore-fs-0123456789abcdef0-202611230000',
      },
    });
    expect(report.steps.map((s) => [s.step, s.state])).toEqual([
      ['copy', 'done'],
      ['restore', 'done'],
    ]);
    expect(report.steps.every((s) => s.seconds >= 0)).toBe(true);
    expect(report).toMatchObject({ complete: true, restored: { arn: restored.FileSystemArn } });
  });

  it('threat #32: a re-run finds the jobs it started and starts nothing; another file system of the target token is refused', async () => {
    const name = 'airgap-restore-rerun';
    const fs = await moto.clients
      .for(EFSClient, RESTORE, region)
      .send(new CreateFileSystemCommand({ CreationToken: name }));
    backup.on(ListCopyJobsCommand).resolves({
      CopyJobs: [
        {
          CopyJobId: 'copy-1',
          SourceRecoveryPointArn: point(2),
          State: 'COMPLETED',
          DestinationRecoveryPointArn: copied,
        },
      ],
    });
    backup.on(ListRestoreJobsCommand).resolves({
      RestoreJobs: [
        {
          RestoreJobId: 'restore-1',
          RecoveryPointArn: copied,
          Status: 'COMPLETED',
          CreatedResourceArn: fs.FileSystemArn,
        },
      ],
    });
    const again = await restoreEfs(moto.clients, config, { from: source, to: name, ...fast });
    expect(again.steps.map((s) => [s.step, s.state])).toEqual([
      ['copy', 'already-done'],
      ['restore', 'already-done'],
    ]);
    expect(again).toMatchObject({ complete: true, restored: { id: fs.FileSystemId } });
    expect(started()).toEqual([]);

    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    await expect(restoreEfs(moto.clients, config, { from: source, to: name, ...fast })).rejects.toThrow(
      new InputError([
        `--to ${name}: file system ${fs.FileSystemId} of that creation token already exists in account ${RESTORE} and was not restored from ${point(2)}; choose another --to (nothing is overwritten)`,
      ]),
    );
    expect(started()).toEqual([]);
  });

  it('refuses, starting nothing, when the vault organization has cross-account backup off, naming the command that turns it on', async () => {
    backup
      .on(DescribeGlobalSettingsCommand)
      .resolves({ GlobalSettings: { isCrossAccountBackupEnabled: 'false' } });
    await expect(restoreEfs(moto.clients, config, { from: source, ...fast })).rejects.toThrow(CheckFailed);
    await expect(restoreEfs(moto.clients, config, { from: source, ...fast })).rejects.toThrow(
      /isCrossAccountBackupEnabled=true --region us-east-1/,
    );
    expect(started()).toEqual([]);
  });

  it('bad input: a file system the config does not protect, or an --at before every recovery point, is one line', async () => {
    await expect(restoreEfs(moto.clients, config, { from: 'fs-99999999' })).rejects.toThrow(
      new InputError([
        '--from fs-99999999: not an EFS file system the vault path protects; give one of fs-0123456789abcdef0',
      ]),
    );
    await expect(
      restoreEfs(moto.clients, config, { from: source, at: new Date('2026-11-01T00:00:00Z') }),
    ).rejects.toThrow(
      /has no completed recovery point taken at or before it \(oldest: 2026-11-22T00:00:00.000Z\)/,
    );
    expect(started()).toEqual([]);
  });
});
