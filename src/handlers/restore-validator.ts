import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import { restoreTestJob, validateRestoreTest, type Verdict } from '../protect/backup/restore-validation.js';
import { instrumented, powertools } from './support/powertools.js';

const pt = powertools();
// The function runs in the restore account and checks what was restored there: its own credentials, no role to
// assume, so plain clients rather than the cross-account factory.
const clients = {
  backup: pt.tracer.captureAWSv3Client(new BackupClient({})),
  s3: pt.tracer.captureAWSv3Client(new S3Client({})),
  rds: pt.tracer.captureAWSv3Client(new RDSClient({})),
};

/** Validation of AWS Backup restore testing: triggered by "Restore Job State Change" events of the restore account. */
export const handler = instrumented(
  pt,
  async (
    event: EventBridgeEvent<'Restore Job State Change', unknown>,
  ): Promise<Verdict | { skipped: string }> => {
    const job = restoreTestJob(event.detail);
    if (!job) {
      pt.logger.info('not a completed restore test: nothing to validate', { detail: event.detail as object });
      return { skipped: 'not a completed restore test' };
    }
    const verdict = await validateRestoreTest(clients, job);
    pt.metrics.addMetric(
      verdict.status === 'SUCCESSFUL' ? 'RestoreTestValidated' : 'RestoreTestFailed',
      MetricUnit.Count,
      1,
    );
    pt.logger.info('restore test validated', {
      restoreJobId: job.restoreJobId,
      result: verdict.status,
      reason: verdict.message,
    });
    return verdict;
  },
);
