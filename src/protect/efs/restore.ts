import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BackupClient,
  type CopyJob,
  DescribeBackupVaultCommand,
  DescribeCopyJobCommand,
  DescribeGlobalSettingsCommand,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  paginateListCopyJobs,
  StartCopyJobCommand,
  StartRestoreJobCommand,
  type RestoreJobsListMember,
} from '@aws-sdk/client-backup';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import type { AwsClients } from '../../aws/clients.js';
import { RESOURCE_NAMES, roleArn } from '../../config/names.js';
import type { Config } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { restoreJobsOf, STARTED_AND_NOT_FAILED } from '../backup/jobs.js';
import { listRecoveryPoints } from '../backup/recovery-points.js';
import { defaultTargetName, idempotencyToken } from '../backup/restore-metadata.js';
import { keyArnOf } from '../kms/key-facts.js';
import { findReplicas } from './replicas.js';
import { efsStepsToDo, pickRecoveryPoint, resolveFileSystem, type EfsRestoreStep } from './restore-plan.js';

export interface EfsRestoreOptions {
  /** A protected file system: its id (fs-...) or ARN. */
  from: string;
  /** Its newest recovery point taken at or before this time (default: the newest). */
  at?: Date | undefined;
  /** The restored file system's creation token (default: airgap-restore-<id>-<point time>). */
  to?: string | undefined;
  dryRun?: boolean;
  /** How long to wait for the copy, then the restore (default 60 min). */
  waitMs?: number;
  pollMs?: number;
  /** Called as each step ends (progress on a terminal). */
  onStep?: (step: EfsStepReport) => void;
}

export interface EfsStepReport {
  step: EfsRestoreStep;
  state: 'done' | 'already-done' | 'planned' | 'in-progress';
  seconds: number;
  detail: string;
}

export interface EfsRestoreReport {
  dryRun: boolean;
  fileSystem: string;
  replica: string;
  recoveryPoint: { arn: string; createdAt: string };
  target: { account: string; region: string; name: string; vault: string };
  steps: EfsStepReport[];
  /** The restored file system, once its restore job completed. */
  restored: { arn: string; id: string } | undefined;
  /** False while the copy or the restore is still running after the wait: run the same command again. */
  complete: boolean;
  seconds: number;
}

/** The restore account's copy is only there to be restored: the locked original stays in the vault. */
export const RESTORE_COPY_DAYS = 7;

/**
 * Restores a protected EFS file system into the restore account from a recovery point of its vault replica.
 * AWS Backup restores a recovery point only in the account that holds it, and copies recovery points between
 * accounts of one organization (the vault account and the restore account are both in the vault organization),
 * so: (1) the vault account copies the recovery point into the restore account's backup vault (StartCopyJob with
 * its `AirGapVaultBackup` role), (2) the restore account restores that copy into a new file system under the
 * restore key (StartRestoreJob, `newFileSystem`, with its `AirGapBackupRestoreService` role). A re-run finds the
 * jobs it started (same recovery point, same target) and waits for them; a file system of the target's creation
 * token that no such job made is refused (threat #32). With `dryRun`, reads only (threat #31).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-efs.html
 */
export async function restoreEfs(
  clients: AwsClients,
  config: Config,
  opts: EfsRestoreOptions,
): Promise<EfsRestoreReport> {
  const started = performance.now();
  const { vaultAccount: vault, restoreAccount: restore } = config.organizations.vault;
  const region = config.vault.region;
  const fs = resolveFileSystem(config, opts.from);
  const replica = (await findReplicas(clients, vault, region)).get(fs.arn);
  if (!replica)
    throw new CheckFailed(
      `${fs.arn} has no replica in the vault account ${vault} ${region}: deploy the vault-efs stack and run \`airgap efs configure-replication\``,
    );
  const vaultBackup = clients.for(BackupClient, vault, region);
  const restoreBackup = clients.for(BackupClient, restore, region);
  const sourceVault = RESOURCE_NAMES.efsReplicaBackupVault(config);
  const points = await listRecoveryPoints(vaultBackup, { name: sourceVault, account: vault }, replica.arn);
  const point = pickRecoveryPoint(points, opts.at, opts.from);
  const name = opts.to ?? defaultTargetName(fs.id, point.createdAt);

  const destinationName = RESOURCE_NAMES.efsRestoreBackupVault(config);
  const destination = await restoreBackup
    .send(new DescribeBackupVaultCommand({ BackupVaultName: destinationName }))
    .then(
      (v) => v.BackupVaultArn!,
      (e: Error) => {
        if (e.name !== 'ResourceNotFoundException') throw e;
        throw new CheckFailed(
          `restore account ${restore} has no backup vault ${destinationName} in ${region}: deploy the restore stack there first`,
        );
      },
    );
  const restoreKeyAlias = RESOURCE_NAMES.restoreKeyAlias(config);
  const restoreKey = await keyArnOf(clients, restore, region, restoreKeyAlias);
  if (!restoreKey)
    throw new CheckFailed(
      `restore account ${restore} has no ${restoreKeyAlias} in ${region}: deploy the restore stack there first`,
    );

  let copy = await findCopyJob(vaultBackup, point.arn, destination, point.createdAt);
  let job = copy?.destinationPoint
    ? await findRestoreJob(restoreBackup, copy.destinationPoint, point.createdAt)
    : undefined;
  const existing = await fileSystemByToken(clients, restore, region, name);
  if (existing && (!job?.createdResource || job.createdResource !== existing.arn))
    throw new InputError([
      `--to ${name}: file system ${existing.id} of that creation token already exists in account ${restore} and was not restored from ${point.arn}; choose another --to (nothing is overwritten)`,
    ]);
  const todo = efsStepsToDo({
    copy: !copy ? 'none' : copy.state === 'COMPLETED' ? 'done' : 'running',
    restore: !job ? 'none' : job.state === 'COMPLETED' ? 'done' : 'running',
  });
  if (todo.includes('copy') && (await crossAccountBackupEnabled(clients, vault, region)) === false)
    throw new CheckFailed(
      `AWS Backup cross-account copies are off in the vault organization: in its management account ${config.organizations.vault.managementAccount} run \`aws backup update-global-settings --global-settings isCrossAccountBackupEnabled=true --region ${region}\``,
    );
  const report: EfsRestoreReport = {
    dryRun: opts.dryRun ?? false,
    fileSystem: fs.arn,
    replica: replica.arn,
    recoveryPoint: { arn: point.arn, createdAt: point.createdAt.toISOString() },
    target: { account: restore, region, name, vault: destination },
    steps: (['copy', 'restore'] as const)
      .filter((s) => !todo.includes(s))
      .map((step) => ({ step, state: 'already-done', seconds: 0, detail: '' })),
    restored: job?.createdResource ? restoredOf(job.createdResource) : undefined,
    complete: todo.length === 0,
    seconds: 0,
  };

  const waitMs = opts.waitMs ?? 60 * 60_000;
  const pollMs = opts.pollMs ?? 15_000;
  const settle = async (read: () => Promise<Job>): Promise<Job> => {
    const deadline = Date.now() + waitMs;
    let value = await read();
    while (!['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(value.state) && Date.now() < deadline) {
      await sleep(pollMs);
      value = await read();
    }
    if (['FAILED', 'ABORTED', 'EXPIRED'].includes(value.state))
      throw new CheckFailed(`${value.kind} job ${value.id} ${value.state}: ${value.message ?? 'no message'}`);
    return value;
  };

  for (const step of todo) {
    if (report.dryRun) {
      report.steps.push({
        step,
        state: 'planned',
        seconds: 0,
        detail:
          step === 'copy'
            ? `copy ${point.arn} into ${destination} with ${roleArn(vault, 'vaultBackup')}`
            : `restore a new file system ${name} under ${restoreKeyAlias} with ${roleArn(restore, 'backupRestoreService')}`,
      });
      continue;
    }
    const t0 = performance.now();
    const done = (state: EfsStepReport['state'], detail: string) => {
      const r = { step, state, seconds: (performance.now() - t0) / 1000, detail };
      report.steps.push(r);
      opts.onStep?.(r);
    };
    if (step === 'copy') {
      const id =
        copy?.id ??
        (
          await vaultBackup.send(
            new StartCopyJobCommand({
              RecoveryPointArn: point.arn,
              SourceBackupVaultName: sourceVault,
              DestinationBackupVaultArn: destination,
              IamRoleArn: roleArn(vault, 'vaultBackup'),
              IdempotencyToken: idempotencyToken(point.arn, destination),
              Lifecycle: { DeleteAfterDays: RESTORE_COPY_DAYS },
            }),
          )
        ).CopyJobId!;
      copy = await settle(() => describeCopyJob(vaultBackup, id));
      if (copy.state !== 'COMPLETED') {
        done('in-progress', `copy job ${id} ${copy.state}: run the same command again`);
        break;
      }
      done('done', `copy job ${id}: ${copy.destinationPoint}`);
    } else {
      const from = copy!.destinationPoint!;
      let id = job?.id;
      if (!id) {
        const metadata =
          (
            await restoreBackup.send(
              new GetRecoveryPointRestoreMetadataCommand({
                BackupVaultName: destinationName,
                RecoveryPointArn: from,
              }),
            )
          ).RestoreMetadata ?? {};
        id = (
          await restoreBackup.send(
            new StartRestoreJobCommand({
              RecoveryPointArn: from,
              IamRoleArn: roleArn(restore, 'backupRestoreService'),
              ResourceType: 'EFS',
              Metadata: {
                'file-system-id': metadata['file-system-id'] ?? replica.id,
                PerformanceMode: metadata['PerformanceMode'] ?? 'generalPurpose',
                newFileSystem: 'true',
                Encrypted: 'true',
                KmsKeyId: restoreKey,
                CreationToken: name,
              },
              IdempotencyToken: idempotencyToken(from, name),
            }),
          )
        ).RestoreJobId!;
      }
      const restoreJobId = id;
      job = await settle(() => describeRestoreJob(restoreBackup, restoreJobId));
      if (job.state !== 'COMPLETED') {
        done('in-progress', `restore job ${id} ${job.state}: run the same command again`);
        break;
      }
      report.restored = restoredOf(job.createdResource!);
      report.complete = true;
      done('done', `restore job ${id}: ${job.createdResource}`);
    }
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

interface Job {
  kind: 'copy' | 'restore';
  id: string;
  state: string;
  message: string | undefined;
  /** Copy: the recovery point it made in the restore account. */
  destinationPoint?: string | undefined;
  /** Restore: the file system it created. */
  createdResource?: string | undefined;
}

const restoredOf = (arn: string) => ({ arn, id: arn.split('/').pop()! });

/** The copy job an earlier run started for this recovery point into this vault (the vault account lists it). */
async function findCopyJob(
  backup: BackupClient,
  point: string,
  destination: string,
  since: Date,
): Promise<Job | undefined> {
  for await (const page of paginateListCopyJobs(
    { client: backup },
    { ByDestinationVaultArn: destination, ByCreatedAfter: since },
  ))
    for (const j of page.CopyJobs ?? [])
      if (j.SourceRecoveryPointArn === point && STARTED_AND_NOT_FAILED.has(j.State ?? ''))
        return copyJob(j.CopyJobId!, j);
  return undefined;
}

async function describeCopyJob(backup: BackupClient, id: string): Promise<Job> {
  return copyJob(id, (await backup.send(new DescribeCopyJobCommand({ CopyJobId: id }))).CopyJob ?? {});
}

const copyJob = (id: string, j: CopyJob): Job => ({
  kind: 'copy',
  id,
  state: j.State ?? 'UNKNOWN',
  message: j.StatusMessage,
  destinationPoint: j.DestinationRecoveryPointArn,
});

/** The restore job an earlier run started from this copy (the restore account lists it). */
async function findRestoreJob(backup: BackupClient, point: string, since: Date): Promise<Job | undefined> {
  for await (const j of restoreJobsOf(backup, point, since)) return restoreJob(j.RestoreJobId!, j);
  return undefined;
}

async function describeRestoreJob(backup: BackupClient, id: string): Promise<Job> {
  return restoreJob(id, await backup.send(new DescribeRestoreJobCommand({ RestoreJobId: id })));
}

/** A restore job as ListRestoreJobs and DescribeRestoreJob both show it. */
const restoreJob = (
  id: string,
  j: Pick<RestoreJobsListMember, 'Status' | 'StatusMessage' | 'CreatedResourceArn'>,
): Job => ({
  kind: 'restore',
  id,
  state: j.Status ?? 'UNKNOWN',
  message: j.StatusMessage,
  createdResource: j.CreatedResourceArn,
});

/** The restore account's file system of that creation token, if any. */
async function fileSystemByToken(clients: AwsClients, account: string, region: string, token: string) {
  const found = (
    await clients
      .for(EFSClient, account, region)
      .send(new DescribeFileSystemsCommand({ CreationToken: token }))
  ).FileSystems?.[0];
  return found?.FileSystemArn ? { arn: found.FileSystemArn, id: found.FileSystemId! } : undefined;
}

/**
 * Whether the vault organization lets its accounts copy recovery points to one another: a setting of the
 * organization's management account, readable by members. Undefined when AWS Backup does not say.
 */
async function crossAccountBackupEnabled(
  clients: AwsClients,
  account: string,
  region: string,
): Promise<boolean | undefined> {
  const settings = (
    await clients.for(BackupClient, account, region).send(new DescribeGlobalSettingsCommand({}))
  ).GlobalSettings;
  const value = settings?.['isCrossAccountBackupEnabled'];
  return value === undefined ? undefined : value === 'true';
}
