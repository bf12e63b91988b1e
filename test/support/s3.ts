import { createHash } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const sha256 = (body: string | Uint8Array) => createHash('sha256').update(body).digest('base64');

export async function put(s3: S3Client, bucket: string, key: string, body: string): Promise<string> {
  const out = await s3.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: 'SHA256' }),
  );
  return out.VersionId!;
}

export async function remove(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** moto stamps LastModified to the second: a point in time between two writes needs a second between them. */
export async function nextSecond(): Promise<Date> {
  await new Promise((r) => setTimeout(r, 1100));
  const at = new Date();
  await new Promise((r) => setTimeout(r, 1100));
  return at;
}
