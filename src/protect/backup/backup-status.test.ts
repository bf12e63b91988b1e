import {
  BackupClient,
  DescribeBackupVaultCommand,
  ListBackupJobsCommand,
  ListCopyJobsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  type RecoveryPointByBackupVault,
} from '@aws-sdk/client-backup';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { AwsClients } from '../../aws/clients.js';
import { backupVaults } from '../../config/index.js';
import { backupStatus, evaluateBackupStatus, renderBackupStatus, type VaultRead } from './backup-status.js';
import { toRecoveryPoint } from './recovery-points.js';

const config = quickstart();
const now = new Date('2026-11-23T10:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const DB = 'arn:aws:rds:us-east-1:100000000002:db:payments-db';
const LEDGER = 'arn:aws:rds:us-east-1:100000000002:cluster:payments-ledger';
const VOLUME = 'arn:aws:ec2:us-east-1:100000000002:volume/vol-0abc';
const [LOCAL, BACKUP, LAG] = backupVaults(config, '100000000002');

/** A recovery point shaped like ListRecoveryPointsByBackupVault's documented members. */
const point = (resource: string, at: Date, extra: Partial<RecoveryPointByBackupVault> = {}) => ({
  RecoveryPointArn: `arn:aws:backup:us-east-1:100000000002:recovery-point:${resource.slice(-6)}-${at.getTime()}`,
  ResourceArn: resource,
  ResourceType: resource.includes(':rds:') ? 'RDS' : 'EBS',
  Status: 'COMPLETED' as const,
  CreationDate: at,
  Lifecycle: { DeleteAfterDays: 35 },
  ...extra,
});
const read = (vault: typeof LOCAL, ...points: RecoveryPointByBackupVault[]): VaultRead => ({
  vault: vault!,
  points: points.map((p) => toRecoveryPoint(p, vault!.account)!),
  lock: { state: 'IMMUTABLE', vault: vault!.name, since: minutesAgo(10_000) },
});
const copyFrom = { SourceBackupVaultArn: LOCAL!.arn };

describe('backup status: per resource and layer against the RPO (pure)', () => {
  it('lists every named resource in every layer; a layer without a point comes first and counts as outside', () => {
    const report = evaluateBackupStatus(
      config,
      [
        read(LOCAL, point(DB, minutesAgo(60)), point(LEDGER, minutesAgo(30))),
        read(BACKUP, point(DB, minutesAgo(300), copyFrom), point(LEDGER, minutesAgo(50), copyFrom)),
        read(LAG, point(LEDGER, minutesAgo(70), copyFrom)),
      ],
      [],
      now,
    );
    const db = report.layers.filter((r) => r.resource === DB).map((r) => [r.layer, r.state, r.ageMinutes]);
    expect(db).toEqual([
      ['air-gapped', 'never-reached', undefined],
      ['backup-account', 'outside-rpo', 300],
      ['local', 'within-rpo', 60],
    ]);
    expect(report.layers[0]!.state).toBe('never-reached');
    // S3 never reached any layer either: three layers for it, one for the db's air gap, one for its stale copy.
    expect(report.outsideRpo).toBe(5);
    expect(report.layers.find((r) => r.resource === LEDGER && r.layer === 'air-gapped')).toMatchObject({
      state: 'within-rpo',
      ageMinutes: 70,
      retentionDays: 35,
      rpoMinutes: 240,
    });
  });

  it('a tag-selected volume appears through the local vault and is then expected in every layer', () => {
    const report = evaluateBackupStatus(config, [read(LOCAL, point(VOLUME, minutesAgo(10)))], [], now);
    expect(report.layers.filter((r) => r.resource === VOLUME).map((r) => [r.layer, r.state])).toEqual([
      ['backup-account', 'never-reached'],
      ['air-gapped', 'never-reached'],
      ['local', 'within-rpo'],
    ]);
  });

  it('threat #24: a source gone silent (closed, suspended) keeps its older points in every layer, each now outside the RPO', () => {
    const lastBackup = minutesAgo(3 * 24 * 60);
    const report = evaluateBackupStatus(
      config,
      [
        read(LOCAL, point(DB, lastBackup)),
        read(BACKUP, point(DB, lastBackup, copyFrom)),
        read(LAG, point(DB, lastBackup, copyFrom)),
      ],
      [],
      now,
    );
    expect(
      report.layers.filter((r) => r.resource === DB).map((r) => [r.layer, r.state, r.ageMinutes]),
    ).toEqual([
      ['local', 'outside-rpo', 4320],
      ['backup-account', 'outside-rpo', 4320],
      ['air-gapped', 'outside-rpo', 4320],
    ]);
  });

  it("another account's copy of the same resource in a shared vault, or an unfinished point, does not count", () => {
    const report = evaluateBackupStatus(
      config,
      [
        read(LOCAL, point(DB, minutesAgo(10), { Status: 'CREATING' })),
        read(
          BACKUP,
          point(DB, minutesAgo(10), {
            SourceBackupVaultArn: LOCAL!.arn.replace('100000000002', '100000000009'),
          }),
        ),
      ],
      [],
      now,
    );
    expect(report.layers.filter((r) => r.resource === DB).map((r) => r.state)).toEqual([
      'never-reached',
      'never-reached',
      'never-reached',
    ]);
  });
});

describe('backup status read from the accounts (client mock: moto has no recovery points or jobs)', () => {
  const backup = mockClient(BackupClient);
  const clients = new AwsClients({
    region: 'us-east-1',
    roleName: 'AirGapOperator',
    baseCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
  });
  beforeEach(() => backup.reset());
  afterAll(() => backup.restore());

  it('threat #20: reads each vault once, and surfaces a failed copy job with its reason and a running backup', async () => {
    const byVault: Record<string, RecoveryPointByBackupVault[]> = {
      [LOCAL!.name]: [point(DB, minutesAgo(20))],
      [BACKUP!.name]: [point(DB, minutesAgo(20), copyFrom)],
      [LAG!.name]: [],
    };
    backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake((input: { BackupVaultName: string }) => ({
      RecoveryPoints: byVault[input.BackupVaultName],
    }));
    backup.on(DescribeBackupVaultCommand).callsFake((input: { BackupVaultName: string }) =>
      input.BackupVaultName === LAG!.name
        ? {
            BackupVaultName: LAG!.name,
            VaultType: 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT',
            CreationDate: minutesAgo(1e5),
          }
        : {
            BackupVaultName: input.BackupVaultName,
            Locked: true,
            LockDate: new Date('2026-11-25T10:00:00Z'),
          },
    );
    backup.on(ListBackupJobsCommand).resolves({
      BackupJobs: [
        { BackupJobId: 'b-ok', State: 'COMPLETED', ResourceArn: DB },
        { BackupJobId: 'b-run', State: 'RUNNING', ResourceArn: LEDGER, BackupVaultName: LOCAL!.name },
      ],
    });
    backup.on(ListCopyJobsCommand).resolves({
      CopyJobs: [
        {
          CopyJobId: 'c-fail',
          State: 'FAILED',
          ResourceArn: DB,
          DestinationBackupVaultArn: LAG!.arn,
          StatusMessage: 'Lifecycle DeleteAfterDays 5 is below the vault minimum retention of 7 days',
        },
      ],
    });
    const report = await backupStatus(clients, config, now);

    const vaultsRead = backup
      .commandCalls(ListRecoveryPointsByBackupVaultCommand)
      .map((c) => c.args[0].input.BackupVaultName);
    expect(vaultsRead.sort()).toEqual([BACKUP!.name, LAG!.name, LOCAL!.name].sort());
    expect(backup.commandCalls(ListBackupJobsCommand)[0]!.args[0].input.ByCreatedAfter).toEqual(
      new Date('2026-11-22T10:00:00Z'),
    );
    expect(report.failedJobs).toEqual([
      expect.objectContaining({
        kind: 'copy',
        id: 'c-fail',
        destination: LAG!.arn,
        message: expect.stringMatching(/minimum retention/),
      }),
    ]);
    expect(report.runningJobs.map((j) => [j.kind, j.id, j.account])).toEqual([
      ['backup', 'b-run', '100000000002'],
    ]);
    expect(report.layers.find((r) => r.resource === DB && r.layer === 'backup-account')?.state).toBe(
      'within-rpo',
    );
    expect(report.layers.find((r) => r.resource === DB && r.layer === 'air-gapped')?.state).toBe(
      'never-reached',
    );
    // threat #9: a compliance lock still in its grace time is not yet immutable; the air-gapped vault always is.
    expect(report.vaults.map((v) => [v.layer, v.immutable, v.lock])).toEqual([
      ['local', false, `${LOCAL!.name}: NOT YET IMMUTABLE until 2026-11-25T10:00:00.000Z`],
      ['backup-account', false, `${BACKUP!.name}: NOT YET IMMUTABLE until 2026-11-25T10:00:00.000Z`],
      ['air-gapped', true, expect.stringMatching(/immutable since/)],
    ]);
  });
  it('threat #24: a workload account that cannot be read (suspended) is reported unreadable; the backup-account and air-gapped layers are still read', async () => {
    const suspended = Object.assign(new Error('The AWS account is suspended'), {
      name: 'AccessDeniedException',
    });
    backup.on(DescribeBackupVaultCommand).callsFake((input: { BackupVaultName: string }) => {
      if (input.BackupVaultName === LOCAL!.name) throw suspended;
      return input.BackupVaultName === LAG!.name
        ? { BackupVaultName: LAG!.name, VaultType: 'LOGICALLY_AIR_GAPPED_BACKUP_VAULT' }
        : { BackupVaultName: input.BackupVaultName, Locked: true, LockDate: new Date(0) };
    });
    backup.on(ListRecoveryPointsByBackupVaultCommand).callsFake((input: { BackupVaultName: string }) => ({
      RecoveryPoints: [point(DB, minutesAgo(60), input.BackupVaultName === LOCAL!.name ? {} : copyFrom)],
    }));
    backup.on(ListBackupJobsCommand).rejects(suspended);
    backup.on(ListCopyJobsCommand).rejects(suspended);

    const report = await backupStatus(clients, config, now);
    expect(report.layers.filter((r) => r.resource === DB).map((r) => [r.layer, r.state])).toEqual([
      ['local', 'unreadable'],
      ['backup-account', 'within-rpo'],
      ['air-gapped', 'within-rpo'],
    ]);
    expect(report.unreadable).toEqual([
      `vault ${LOCAL!.arn}: AccessDeniedException: The AWS account is suspended`,
      'jobs of 100000000002: AccessDeniedException: The AWS account is suspended',
    ]);
    expect(report.vaults[0]).toEqual({
      layer: 'local',
      vault: LOCAL!.arn,
      lock: `${LOCAL!.name}: UNREADABLE`,
      immutable: false,
    });
    expect(report.outsideRpo).toBeGreaterThanOrEqual(3);
    expect(renderBackupStatus(report)).toMatch(/FAIL {2}local +arn:aws:rds:.*payments-db: VAULT UNREADABLE/);
  });
});
