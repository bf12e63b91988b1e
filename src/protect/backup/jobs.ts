import {
  paginateListBackupJobs,
  paginateListCopyJobs,
  paginateListRestoreJobs,
  type BackupClient,
  type RestoreJobsListMember,
} from '@aws-sdk/client-backup';

/** A backup or copy job worth a look: it failed, or it has not finished yet. */
export interface JobSummary {
  kind: 'backup' | 'copy';
  id: string;
  account: string;
  state: string;
  outcome: 'failed' | 'running';
  resourceArn: string | undefined;
  /** For copies, the vault the recovery point is going to. */
  destination: string | undefined;
  createdAt: Date | undefined;
  message: string | undefined;
}

const FAILED = new Set(['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL']);
const RUNNING = new Set(['CREATED', 'PENDING', 'RUNNING', 'ABORTING']);

/** A job an earlier run started that did not fail: a re-run takes it up rather than starting another. */
export const STARTED_AND_NOT_FAILED = new Set(['CREATED', 'PENDING', 'RUNNING', 'COMPLETED']);

/** The restore jobs of recovery point `point` created since `since` that are running or done. */
export async function* restoreJobsOf(
  backup: BackupClient,
  point: string,
  since: Date,
): AsyncGenerator<RestoreJobsListMember> {
  for await (const page of paginateListRestoreJobs({ client: backup }, { ByCreatedAfter: since }))
    for (const job of page.RestoreJobs ?? [])
      if (job.RecoveryPointArn === point && STARTED_AND_NOT_FAILED.has(job.Status ?? '')) yield job;
}

export function outcomeOf(state: string | undefined): JobSummary['outcome'] | undefined {
  if (state && FAILED.has(state)) return 'failed';
  if (state && RUNNING.has(state)) return 'running';
  return undefined;
}

/**
 * The failed and unfinished backup and copy jobs created since `since` in one account (copy jobs are listed
 * by the account that starts them: the workload account, for both copies of the AWS Backup path).
 */
export async function jobsNeedingAttention(
  backup: BackupClient,
  account: string,
  since: Date,
): Promise<JobSummary[]> {
  const out: JobSummary[] = [];
  for await (const page of paginateListBackupJobs({ client: backup }, { ByCreatedAfter: since }))
    for (const j of page.BackupJobs ?? []) {
      const outcome = outcomeOf(j.State);
      if (!outcome) continue;
      out.push({
        kind: 'backup',
        id: j.BackupJobId ?? '',
        account,
        state: j.State!,
        outcome,
        resourceArn: j.ResourceArn,
        destination: j.BackupVaultName,
        createdAt: j.CreationDate,
        message: j.StatusMessage,
      });
    }
  for await (const page of paginateListCopyJobs({ client: backup }, { ByCreatedAfter: since }))
    for (const j of page.CopyJobs ?? []) {
      const outcome = outcomeOf(j.State);
      if (!outcome) continue;
      out.push({
        kind: 'copy',
        id: j.CopyJobId ?? '',
        account,
        state: j.State!,
        outcome,
        resourceArn: j.ResourceArn,
        destination: j.DestinationBackupVaultArn,
        createdAt: j.CreationDate,
        message: j.StatusMessage,
      });
    }
  return out;
}
