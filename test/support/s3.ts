import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'vitest';

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

/**
 * Threat #6: a vault-account admin's versioned deletes of the oldest version under `key`, first without the
 * governance bypass, then with it (`x-amz-bypass-governance-retention: true`), are both refused with S3's 403
 * AccessDenied, and leave that key's versions, their lock and their bytes as they were: no version gone, no delete
 * marker added. Without the bypass the field is omitted, not `false`: moto takes any value of the header as one.
 */
export async function expectUndeletable(s3: S3Client, bucket: string, key: string): Promise<void> {
  const history = async () => {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    return { versions: listed.Versions, markers: listed.DeleteMarkers ?? [] };
  };
  const before = await history();
  const { VersionId } = before.versions!.at(-1)!;
  const head = () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId }));
  const locked = await head();
  expect(locked.ObjectLockMode).toBe('COMPLIANCE');
  for (const bypass of [false, true]) {
    const command = new DeleteObjectCommand({
      Bucket: bucket,
      Key: key,
      VersionId,
      ...(bypass ? { BypassGovernanceRetention: true } : {}),
    });
    let bypassHeader: string | undefined;
    command.middlewareStack.add(
      (next) => async (args) => {
        const { headers } = args.request as { headers: Record<string, string> };
        bypassHeader = headers['x-amz-bypass-governance-retention'];
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordBypassHeader' },
    );
    const refused = await s3.send(command).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect({ bypassHeader, refused }).toEqual({
      bypassHeader: bypass ? 'true' : undefined,
      refused: expect.objectContaining({
        name: 'AccessDenied',
        $metadata: expect.objectContaining({ httpStatusCode: 403 }),
      }),
    });
  }
  expect(await history()).toEqual(before);
  expect(await head()).toMatchObject({
    ObjectLockMode: 'COMPLIANCE',
    ObjectLockRetainUntilDate: locked.ObjectLockRetainUntilDate,
    ETag: locked.ETag,
    ContentLength: locked.ContentLength,
  });
}
