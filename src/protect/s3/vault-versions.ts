import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mapOrdered } from '../../util/concurrency.js';
import { retryThrottled } from '../../util/retry.js';
import { SOURCE_VERSION_METADATA } from './metadata.js';
import type { SourceVersion, VaultVersion } from './verify-check.js';
import { listVersions, type Version } from './versions.js';

/** HeadObject lookups in flight while a listing streams; order is kept, so the stream stays key-sorted. */
export const HEAD_CONCURRENCY = 32;

/**
 * The vault's history with what a listing lacks: the source version each copy holds (backfill records it in
 * metadata; S3 replication keeps the version id), the SHA-256 and the Object Lock retention, which moto and
 * AWS both return on HeadObject (moto has no GetObjectRetention).
 */
export function vaultVersionsFromListing(
  s3: S3Client,
  bucket: string,
  prefix?: string,
): AsyncGenerator<VaultVersion> {
  return mapOrdered(listVersions(s3, bucket, prefix), HEAD_CONCURRENCY, async (v): Promise<VaultVersion> => {
    if (v.deleteMarker) return { ...v, sourceVersionId: v.versionId };
    const head = await retryThrottled(() =>
      s3.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: v.key,
          VersionId: v.versionId,
          ChecksumMode: 'ENABLED',
        }),
      ),
    );
    return {
      ...v,
      sourceVersionId: head.Metadata?.[SOURCE_VERSION_METADATA] ?? v.versionId,
      checksumSha256: head.ChecksumSHA256,
      retainUntil: head.ObjectLockRetainUntilDate,
      lockMode: head.ObjectLockMode,
    };
  });
}

/** The source's history with each version's SHA-256 (HeadObject only for versions `needsChecksum` picks). */
export function sourceVersionsFromListing(
  s3: S3Client,
  bucket: string,
  needsChecksum: (v: Version) => boolean = (v) => !v.deleteMarker,
  prefix?: string,
): AsyncGenerator<SourceVersion> {
  return mapOrdered(listVersions(s3, bucket, prefix), HEAD_CONCURRENCY, async (v): Promise<SourceVersion> => {
    if (!needsChecksum(v)) return v;
    const head = await retryThrottled(() =>
      s3.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: v.key,
          VersionId: v.versionId,
          ChecksumMode: 'ENABLED',
        }),
      ),
    );
    return { ...v, checksumSha256: head.ChecksumSHA256 };
  });
}
