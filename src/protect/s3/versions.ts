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
 * Every version and delete marker of a bucket, page by page, keys in ascending order and each key's history
 * newest first, as S3 returns them; one page at a time, so memory does not grow with the bucket.
 */
export async function* listVersions(
  s3: S3Client,
  bucket: string,
  prefix?: string,
): AsyncGenerator<Version[]> {
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
    yield entries;
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
}
