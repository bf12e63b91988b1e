import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { mapBounded } from '../../util/concurrency.js';
import { retryThrottled } from '../../util/retry.js';
import { SOURCE_VERSION_METADATA } from './metadata.js';
import type { SourceVersion, VaultVersion } from './verify-check.js';
import { listVersions, type Version } from './versions.js';

/** HeadObject lookups in flight per listing page. */
export const HEAD_CONCURRENCY = 32;

/**
 * The vault's history with what a listing lacks: the source version each copy holds (backfill records it in
 * metadata; S3 replication keeps the version id), the SHA-256 and the Object Lock retention, which moto and
 * AWS both return on HeadObject (moto has no GetObjectRetention). Page by page, order kept.
 */
export async function* vaultVersionsFromListing(
  s3: S3Client,
  bucket: string,
  prefix?: string,
): AsyncGenerator<VaultVersion[]> {
  for await (const page of listVersions(s3, bucket, prefix)) {
    const heads = await headAll(s3, bucket, page, (v) => !v.deleteMarker);
    yield page.map((v, i) => {
      const head = heads[i];
      return {
        ...v,
        sourceVersionId: head?.Metadata?.[SOURCE_VERSION_METADATA] ?? v.versionId,
        checksumSha256: head?.ChecksumSHA256,
        retainUntil: head?.ObjectLockRetainUntilDate,
        lockMode: head?.ObjectLockMode,
      };
    });
  }
}

/** The source's history with each version's SHA-256 (HeadObject only for versions `needsChecksum` picks). */
export async function* sourceVersionsFromListing(
  s3: S3Client,
  bucket: string,
  needsChecksum: (v: Version) => boolean = (v) => !v.deleteMarker,
  prefix?: string,
): AsyncGenerator<SourceVersion[]> {
  for await (const page of listVersions(s3, bucket, prefix)) {
    const heads = await headAll(s3, bucket, page, needsChecksum);
    yield page.map((v, i) => ({ ...v, checksumSha256: heads[i]?.ChecksumSHA256 }));
  }
}

async function headAll(
  s3: S3Client,
  bucket: string,
  page: Version[],
  wanted: (v: Version) => boolean,
): Promise<(HeadObjectCommandOutput | undefined)[]> {
  const heads: (HeadObjectCommandOutput | undefined)[] = new Array(page.length);
  const indexes = page.map((_, i) => i).filter((i) => wanted(page[i]!));
  await mapBounded(indexes, HEAD_CONCURRENCY, async (i) => {
    const v = page[i]!;
    heads[i] = await retryThrottled(() =>
      s3.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: v.key,
          VersionId: v.versionId,
          ChecksumMode: 'ENABLED',
        }),
      ),
    );
  });
  return heads;
}
