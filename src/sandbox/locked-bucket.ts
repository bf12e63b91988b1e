import { CreateBucketCommand, PutObjectLockConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { bucketExists } from '../protect/s3/bucket-exists.js';

/**
 * An Object Lock bucket as a stack creates it, with its default retention set before the first write (moto
 * refuses to set it on a bucket that holds objects; AWS would not). Returns whether this call created it.
 */
export async function ensureLockedBucket(
  s3: S3Client,
  bucket: string,
  retention: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number },
): Promise<boolean> {
  if (await bucketExists(s3, bucket)) return false;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: retention.mode, Days: retention.days } },
      },
    }),
  );
  return true;
}
