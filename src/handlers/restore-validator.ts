import { BackupClient } from '@aws-sdk/client-backup';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import { restoreTestJob, validateRestoreTest, type Verdict } from '../protect/backup/restore-validation.js';
import { RESOURCE_NAMES } from '../config/names.js';
import { env, instrumented, powertools, publishMetric } from './support/powertools.js';

const pt = powertools();
// The function runs in the restore account and checks what was restored there: its own credentials, no role to
// assume, so plain clients rather than the cross-account factory.
const clients = {
  backup: pt.tracer.captureAWSv3Client(new BackupClient({})),
  s3: pt.tracer.captureAWSv3Client(new S3Client({})),
  rds: pt.tracer.captureAWSv3Client(new RDSClient({})),
};
const kms = pt.tracer.captureAWSv3Client(new KMSClient({}));
/** The restore key restores encrypt with (the selection's kmsKeyId override): found by its alias, once per container. */
let restoreKeyArn: Promise<string> | undefined;
const restoreKey = () =>
  (restoreKeyArn ??= kms
    .send(
      new DescribeKeyCommand({ KeyId: RESOURCE_NAMES.restoreKeyAlias({ name: env('AIRGAP_DEPLOYMENT') }) }),
    )
    .then((k) => k.KeyMetadata!.Arn!));

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
    const verdict = await validateRestoreTest(clients, job, { kmsKeyArn: await restoreKey() });
    // The restore account's RestoreTestValidationFailed alarm reads the failures.
    publishMetric(
      pt,
      verdict.status === 'SUCCESSFUL' ? 'restoreTestsPassed' : 'restoreTestFailures',
      [job.resourceType ?? 'unknown'],
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
