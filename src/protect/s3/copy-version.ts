import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SOURCE_VERSION_METADATA } from './metadata.js';
import type { Version } from './versions.js';

/**
 * Writes one source version into the vault as a new vault version (never an overwrite: the vault is
 * versioned and locked), keeping content headers, user metadata and the SHA-256, and recording the source
 * version id so a retry recognises it. A GET and PUT rather than CopyObject: moto refuses a CopyObject into an
 * Object Lock bucket (no Content-MD5). The body is held in memory: this is the sandbox and small-backfill
 * path; on AWS, backfill hands large buckets to S3 Batch Replication.
 * Throws when the vault's checksum of what it stored differs from the source's (threat #30).
 */
export async function copyVersionToVault(
  source: S3Client,
  sourceBucket: string,
  version: Pick<Version, 'key' | 'versionId'>,
  vault: S3Client,
  vaultBucket: string,
): Promise<{ vaultVersionId: string; checksumSha256: string | undefined; size: number }> {
  const object = await source.send(
    new GetObjectCommand({
      Bucket: sourceBucket,
      Key: version.key,
      VersionId: version.versionId,
      ChecksumMode: 'ENABLED',
    }),
  );
  const body = await object.Body!.transformToByteArray();
  const put = await vault.send(
    new PutObjectCommand({
      Bucket: vaultBucket,
      Key: version.key,
      Body: body,
      ContentType: object.ContentType,
      ContentEncoding: object.ContentEncoding,
      ContentDisposition: object.ContentDisposition,
      ContentLanguage: object.ContentLanguage,
      CacheControl: object.CacheControl,
      ChecksumAlgorithm: 'SHA256',
      ...(object.ChecksumSHA256 ? { ChecksumSHA256: object.ChecksumSHA256 } : {}),
      Metadata: { ...object.Metadata, [SOURCE_VERSION_METADATA]: version.versionId },
    }),
  );
  if (object.ChecksumSHA256 && put.ChecksumSHA256 !== object.ChecksumSHA256) {
    throw new Error(
      `vault stored SHA-256 ${String(put.ChecksumSHA256)}, the source version has ${object.ChecksumSHA256}`,
    );
  }
  return { vaultVersionId: put.VersionId!, checksumSha256: put.ChecksumSHA256, size: body.length };
}
