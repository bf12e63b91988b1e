import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

/** Whether a bucket answers HeadBucket for this caller: used by provisioning, restore targets and audit. */
export async function bucketExists(s3: S3Client, name: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: name })).then(
    () => true,
    () => false,
  );
}
