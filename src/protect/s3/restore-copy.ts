import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type S3Client,
} from '@aws-sdk/client-s3';
import { retryThrottled, type RetryOptions } from '../../util/retry.js';
import type { RestoreItem } from './restore-plan.js';

/** CopyObject copies at most 5 GB; above it the copy is multipart (UploadPartCopy), threat #29. */
export const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
const MIN_PART = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;

type Checksums = Partial<
  Record<'ChecksumSHA256' | 'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME' | 'ChecksumSHA1', string>
>;
const CHECKSUM_FIELDS = [
  'ChecksumSHA256',
  'ChecksumCRC64NVME',
  'ChecksumCRC32C',
  'ChecksumCRC32',
  'ChecksumSHA1',
] as const;

export interface CopiedObject {
  checksum: string;
  etag: string | undefined;
}

/**
 * What one restore has learned about its vault's ETags. A single-part ETag of an unencrypted or SSE-S3 object
 * is the MD5 digest of its bytes (on AWS and on moto), so a copy whose ETag equals the listed one is checked by
 * the copy alone. SSE-KMS ETags look the same but are not digests (a copy's differs from its source's): then the
 * copy is checked by checksum, which needs the vault version's stored one (HeadObject). `etagsNotDigests` is set
 * by the first copy whose MD5-looking ETag differed from the listed one (an SSE-KMS vault): from then on each copy
 * reads its vault version while it runs, rather than after it.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html (ETag: objects created by PUT, POST or Copy
 * and stored in plaintext or SSE-S3 have ETags that are an MD5 digest of their data; SSE-C, SSE-KMS and multipart
 * ones do not)
 */
export interface CopyCheck {
  etagsNotDigests?: boolean;
}

/**
 * Server-side copy of one exact vault version into the target, made once and checked after the copy:
 * - the copy's ETag equals the listed vault ETag (both the MD5 of the same bytes), checked with no further
 *   request, or else
 * - the checksum S3 computed for the copy in the vault object's own algorithm must equal the vault version's
 *   stored checksum (HeadObject: sent with the copy when the listing cannot settle it, an ETag that is no
 *   single-part MD5 or a vault whose ETags have shown they are not digests; after it, on a mismatch).
 * Every copy asks S3 for that checksum (without the header S3 would copy the source's value, which checks
 * nothing), though most are settled by their ETag: an MD5-looking ETag may be an SSE-KMS one, and a copy that
 * asked for none could only be checked by copying it again.
 * Anything else throws: a restore never reports a copy it could not check as restored (threat #30).
 */
export async function copyRestoreItem(
  vault: { s3: S3Client; bucket: string },
  target: { s3: S3Client; bucket: string },
  item: RestoreItem,
  check: CopyCheck,
  retry?: RetryOptions,
): Promise<CopiedObject> {
  const algorithm = (item.checksumAlgorithm ?? 'SHA256') as ChecksumAlgorithm;
  const copySource = `${vault.bucket}/${encodeURIComponent(item.key)}?versionId=${encodeURIComponent(item.versionId)}`;
  const copying =
    item.size > SINGLE_COPY_LIMIT
      ? multipartCopy(target, item, copySource, algorithm, retry)
      : retryThrottled(async () => {
          const out = await target.s3.send(
            new CopyObjectCommand({
              Bucket: target.bucket,
              Key: item.key,
              CopySource: copySource,
              ChecksumAlgorithm: algorithm,
            }),
          );
          return { etag: out.CopyObjectResult?.ETag, checksums: (out.CopyObjectResult ?? {}) as Checksums };
        }, retry);
  const digest = isMd5Etag(item.etag);
  // A version id names immutable bytes (the vault's lock keeps them), so its stored checksum read while the copy
  // runs is the one it has after: the check then costs the copy's time, not the copy's plus a round trip.
  const [copied, stored] = await Promise.all([
    copying,
    !digest || check.etagsNotDigests ? storedChecksums(vault, item.key, item.versionId, retry) : undefined,
  ]);
  if (digest && copied.etag === item.etag) return { checksum: `etag:${item.etag}`, etag: copied.etag };
  if (digest) check.etagsNotDigests = true;
  return compareChecksums(
    item,
    copied,
    stored ?? (await storedChecksums(vault, item.key, item.versionId, retry)),
  );
}

/** The stored checksums and size of a version (by default the current one) of a key. */
function storedChecksums(
  side: { s3: S3Client; bucket: string },
  key: string,
  versionId: string | undefined,
  retry: RetryOptions | undefined,
): Promise<Checksums & { ContentLength?: number | undefined }> {
  return retryThrottled(
    () =>
      side.s3.send(
        new HeadObjectCommand({
          Bucket: side.bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
          ChecksumMode: 'ENABLED',
        }),
      ),
    retry,
  );
}

/**
 * Compares the checksum S3 computed for a copy (asked for with the vault object's algorithm) with the vault
 * version's stored one.
 */
function compareChecksums(
  item: RestoreItem,
  copied: { etag: string | undefined; checksums: Checksums },
  stored: Checksums & { ContentLength?: number | undefined },
): CopiedObject {
  if (stored.ContentLength !== undefined && stored.ContentLength !== item.size) {
    throw new Error(`vault version is ${stored.ContentLength} bytes, the plan says ${item.size}`);
  }
  for (const field of CHECKSUM_FIELDS) {
    const want = stored[field];
    const got = copied.checksums[field];
    if (want && got) {
      if (want !== got)
        throw new Error(`${field} after copy ${got} differs from the vault version's ${want}`);
      return { checksum: `${field}:${want}`, etag: copied.etag };
    }
  }
  throw new Error('no checksum common to the vault version and its copy: the copy could not be checked');
}

/**
 * Whether the target's current object already holds the vault version's bytes, when the listed ETags cannot
 * say so (SSE-KMS ETags are not digests, so a copy's ETag never equals its source's): both sides' stored
 * checksums of one algorithm must be equal. Two HEADs instead of a copy, so a resumed restore of an SSE-KMS
 * vault does not copy every key again. Returns the matching checksum, or undefined (then the key is copied).
 */
export async function restoredByChecksum(
  vault: { s3: S3Client; bucket: string },
  target: { s3: S3Client; bucket: string },
  item: RestoreItem,
  retry?: RetryOptions,
): Promise<string | undefined> {
  const [want, got] = await Promise.all([
    storedChecksums(vault, item.key, item.versionId, retry),
    storedChecksums(target, item.key, undefined, retry),
  ]);
  for (const field of CHECKSUM_FIELDS) {
    const w = want[field];
    const g = got[field];
    if (w && g) return w === g ? `${field}:${w}` : undefined;
  }
  return undefined;
}

function isMd5Etag(etag: string | undefined): boolean {
  return etag !== undefined && /^"[0-9a-f]{32}"$/.test(etag);
}

/**
 * Multipart server-side copy for objects over 5 GB. Each part's checksum is verified by S3 as it is copied;
 * the composite checksum of the whole object is what the copy reports, and the vault's own composite (it was
 * uploaded in parts too) is what it is compared with.
 */
async function multipartCopy(
  target: { s3: S3Client; bucket: string },
  item: RestoreItem,
  copySource: string,
  algorithm: ChecksumAlgorithm,
  retry?: RetryOptions,
): Promise<{ etag: string | undefined; checksums: Checksums }> {
  const partSize = Math.max(MIN_PART, Math.ceil(item.size / MAX_PARTS));
  const upload = await target.s3.send(
    new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: item.key, ChecksumAlgorithm: algorithm }),
  );
  const parts = [];
  for (let start = 0, n = 1; start < item.size; start += partSize, n++) {
    const end = Math.min(item.size, start + partSize) - 1;
    const part = await retryThrottled(
      () =>
        target.s3.send(
          new UploadPartCopyCommand({
            Bucket: target.bucket,
            Key: item.key,
            UploadId: upload.UploadId,
            PartNumber: n,
            CopySource: copySource,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        ),
      retry,
    );
    parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag, ...(part.CopyPartResult as Checksums) });
  }
  const done = await target.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key: item.key,
      UploadId: upload.UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  return { etag: done.ETag, checksums: done as Checksums };
}
