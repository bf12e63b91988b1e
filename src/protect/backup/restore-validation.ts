import {
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  PutRestoreValidationResultCommand,
  type BackupClient,
  type RestoreValidationStatus,
} from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { auroraProblems } from './aurora-restore-checks.js';
import { errorLine } from '../../errors.js';
/** The part of AWS Backup's "Restore Job State Change" event a restore test validation needs. */
export interface RestoreTestJob {
  restoreJobId: string;
  status: string;
  createdResourceArn?: string | undefined;
  resourceType?: string | undefined;
  restoreTestingPlanArn?: string | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A completed restore of a restore testing plan, or undefined for every other restore job event. Read by hand,
 * not with a schema library: the function's bundle stays small and this is five optional strings.
 */
export function restoreTestJob(detail: unknown): RestoreTestJob | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const d = detail as Record<string, unknown>;
  const restoreJobId = text(d['restoreJobId']);
  const restoreTestingPlanArn = text(d['restoreTestingPlanArn']);
  if (!restoreJobId || d['status'] !== 'COMPLETED' || !restoreTestingPlanArn) return undefined;
  return {
    restoreJobId,
    status: 'COMPLETED',
    createdResourceArn: text(d['createdResourceArn']),
    resourceType: text(d['resourceType']),
    restoreTestingPlanArn,
  };
}

export interface Verdict {
  status: Extract<RestoreValidationStatus, 'SUCCESSFUL' | 'FAILED'>;
  message: string;
}

/** The clients a validation reads with, all in the restore account. */
export interface ValidationClients {
  backup: BackupClient;
  s3: S3Client;
  rds: RDSClient;
}

/**
 * Checks that the restored resource serves data, not just that the job finished: a restored bucket holds at
 * least one object; a restored Aurora cluster passes every cluster-level check of `auroraProblems` (each failed one
 * named; AWS Backup restores it without a DB instance, so its data is not queried, and the verdict says so).
 * Every other type fails, named: a validation that passes what it did not look at would be a false "tested".
 */
export async function checkRestored(
  clients: ValidationClients,
  job: RestoreTestJob,
  expected: { kmsKeyArn: string },
): Promise<Verdict> {
  const arn = job.createdResourceArn;
  if (!arn) return { status: 'FAILED', message: 'the restore job names no created resource' };
  try {
    if (arn.startsWith('arn:aws:s3:::')) {
      const bucket = arn.slice('arn:aws:s3:::'.length);
      const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
      return (listed.KeyCount ?? 0) > 0
        ? { status: 'SUCCESSFUL', message: `restored bucket ${bucket} holds objects` }
        : { status: 'FAILED', message: `restored bucket ${bucket} is empty` };
    }
    if (/^arn:aws:rds:[^:]+:\d+:cluster:/.test(arn)) {
      return await checkAurora(clients, job, arn.split(':cluster:')[1]!, expected.kmsKeyArn);
    }
  } catch (e) {
    return {
      status: 'FAILED',
      message: `checking ${arn} failed: ${errorLine(e)}`,
    };
  }
  return {
    status: 'FAILED',
    message: `no validation for ${job.resourceType ?? arn}: only S3 buckets and Aurora clusters are checked`,
  };
}

async function checkAurora(
  clients: ValidationClients,
  job: RestoreTestJob,
  id: string,
  expectedKmsKeyArn: string,
): Promise<Verdict> {
  const cluster = (await clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id })))
    .DBClusters?.[0];
  if (!cluster) return { status: 'FAILED', message: `restored cluster ${id} is missing` };
  // The recovery point the test restored, in the (RAM-shared) vault that holds it: its metadata says what was backed up.
  const restore = await clients.backup.send(
    new DescribeRestoreJobCommand({ RestoreJobId: job.restoreJobId }),
  );
  const [, , , , vaultAccount, , vaultName] = (restore.BackupVaultArn ?? '').split(':');
  const recoveryPoint = restore.RecoveryPointArn
    ? ((
        await clients.backup.send(
          new GetRecoveryPointRestoreMetadataCommand({
            BackupVaultName: vaultName,
            BackupVaultAccountId: vaultAccount,
            RecoveryPointArn: restore.RecoveryPointArn,
          }),
        )
      ).RestoreMetadata ?? {})
    : {};
  const problems = auroraProblems({ cluster, recoveryPoint, expectedKmsKeyArn });
  return problems.length === 0
    ? {
        status: 'SUCCESSFUL',
        message: `restored cluster ${id} passes the cluster checks: available, ${cluster.Engine} ${cluster.EngineVersion} as backed up, under the restore key, deletable; data not queried: AWS Backup restores an Aurora cluster without a DB instance`,
      }
    : { status: 'FAILED', message: `restored cluster ${id} is not usable: ${problems.join('; ')}` };
}

/** Checks the restored resource and reports the verdict to AWS Backup, which records it on the restore job. */
export async function validateRestoreTest(
  clients: ValidationClients,
  job: RestoreTestJob,
  expected: { kmsKeyArn: string },
): Promise<Verdict> {
  const verdict = await checkRestored(clients, job, expected);
  await clients.backup.send(
    new PutRestoreValidationResultCommand({
      RestoreJobId: job.restoreJobId,
      ValidationStatus: verdict.status,
      ValidationStatusMessage: verdict.message.slice(0, 1000),
    }),
  );
  return verdict;
}
