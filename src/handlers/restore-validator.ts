import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { restoreTestJob, validateRestoreTest, type Verdict } from '../protect/backup/restore-validation.js';

const logger = new Logger();
const metrics = new Metrics();
const tracer = new Tracer();
// The function runs in the restore account and checks what was restored there: its own credentials, no role to
// assume, so plain clients rather than the cross-account factory.
const clients = {
  backup: tracer.captureAWSv3Client(new BackupClient({})),
  s3: tracer.captureAWSv3Client(new S3Client({})),
  rds: tracer.captureAWSv3Client(new RDSClient({})),
};

/** Validation of AWS Backup restore testing: triggered by "Restore Job State Change" events of the restore account. */
export async function handler(
  event: EventBridgeEvent<'Restore Job State Change', unknown>,
  context: Context,
): Promise<Verdict | { skipped: string }> {
  logger.addContext(context);
  try {
    const job = restoreTestJob(event.detail);
    if (!job) {
      logger.info('not a completed restore test: nothing to validate', { detail: event.detail as object });
      return { skipped: 'not a completed restore test' };
    }
    const verdict = await validateRestoreTest(clients, job);
    metrics.addMetric(
      verdict.status === 'SUCCESSFUL' ? 'RestoreTestValidated' : 'RestoreTestFailed',
      MetricUnit.Count,
      1,
    );
    logger.info('restore test validated', {
      restoreJobId: job.restoreJobId,
      result: verdict.status,
      reason: verdict.message,
    });
    return verdict;
  } finally {
    metrics.publishStoredMetrics();
  }
}
