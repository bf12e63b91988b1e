import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

/** One entry of a bucket's history: an object version or a delete marker. */
export interface Version {
  key: string;
  versionId: string;
  deleteMarker: boolean;
  lastModified: Date;
  size: number;
  etag?: string | undefined;
  /** The checksum algorithm the object was stored with, as listed (its value needs a HeadObject). */
  checksumAlgorithm?: string | undefined;
}

/**
 * Every version and delete marker of a bucket, keys in ascending order and each key's history newest first,
 * as S3 returns them; pages are fetched one at a time, so memory does not grow with the bucket.
 */
export async function* listVersions(s3: S3Client, bucket: string, prefix?: string): AsyncGenerator<Version> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    const entries: Version[] = [
      ...(page.Versions ?? []).map((v) => ({
        key: v.Key!,
        versionId: v.VersionId ?? 'null',
        deleteMarker: false,
        lastModified: v.LastModified!,
        size: v.Size ?? 0,
        etag: v.ETag,
        checksumAlgorithm: v.ChecksumAlgorithm?.[0],
      })),
      ...(page.DeleteMarkers ?? []).map((m) => ({
        key: m.Key!,
        versionId: m.VersionId ?? 'null',
        deleteMarker: true,
        lastModified: m.LastModified!,
        size: 0,
      })),
    ];
    // S3 lists versions and markers apart; one history per key needs them merged back in order.
    entries.sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : b.lastModified.getTime() - a.lastModified.getTime(),
    );
    yield* entries;
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
}

/** Groups a key-ordered stream into one array per key (one key's history in memory at a time). */
export async function* byKey<T extends { key: string }>(
  items: AsyncIterable<T>,
): AsyncGenerator<[string, T[]]> {
  let current: string | undefined;
  let group: T[] = [];
  for await (const item of items) {
    if (item.key !== current) {
      if (current !== undefined) yield [current, group];
      current = item.key;
      group = [];
    }
    group.push(item);
  }
  if (current !== undefined) yield [current, group];
}

/** Newest first, ties broken by the listing order S3 gave (already newest first). */
export function newestFirst(history: Version[]): Version[] {
  return [...history].sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime());
}
