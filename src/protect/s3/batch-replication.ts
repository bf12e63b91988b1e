import { createHash } from 'node:crypto';
import { CreateJobCommand, type CreateJobCommandInput } from '@aws-sdk/client-s3-control';
import { roleArn, type ProtectedBucket } from '../../config/index.js';

/**
 * The S3 Batch Replication job that backfills a bucket on AWS: S3 generates the manifest itself from the
 * objects whose replication status is NONE (written before the rule) or FAILED, and replicates them with the
 * bucket's own replication rule (same version ids, same vault key). The client request token is derived from
 * the plan, so re-running an unchanged backfill returns the same job instead of starting another. The job runs as
 * the source template's Batch Replication role (trusted by S3 Batch Operations, not by S3 replication).
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html
 */
export function batchReplicationJob(
  bucket: ProtectedBucket,
  plan: { versions: number; lastKey: string | undefined },
): CreateJobCommandInput {
  const token = createHash('sha256')
    .update(`${bucket.account}/${bucket.bucket}/${plan.versions}/${plan.lastKey ?? ''}`)
    .digest('hex')
    .slice(0, 64);
  return {
    AccountId: bucket.account,
    ConfirmationRequired: false,
    ClientRequestToken: token,
    Description: `airgap backfill ${bucket.bucket} -> ${bucket.vaultBucket}`,
    Priority: 10,
    RoleArn: roleArn(bucket.account, 'batchReplication'),
    Operation: { S3ReplicateObject: {} },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        SourceBucket: `arn:aws:s3:::${bucket.bucket}`,
        EnableManifestOutput: false,
        Filter: { EligibleForReplication: true, ObjectReplicationStatuses: ['NONE', 'FAILED'] },
      },
    },
    // The job's failures are read from DescribeJob (ProgressSummary); a report bucket would be one more
    // writable bucket in the source account for an attacker to fill.
    Report: { Enabled: false },
  };
}

export { CreateJobCommand };
