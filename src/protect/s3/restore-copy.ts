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
 * the copy alone. SSE-KMS ETags are not digests: then the copy is checked by checksum, which needs the vault
 * version's stored one (HeadObject). `etagsAreDigests` says whether to expect the ETag to settle it (HeadObject
 * only when it does not) or not (HeadObject sent while the copy runs). The restore's first copy of an MD5-looking
 * ETag settles which; the copies behind it wait for that (`settling`) rather than each reading its vault version.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html (ETag: objects created by PUT, POST or Copy
 * and stored in plaintext or SSE-S3 have ETags that are an MD5 digest of their data; SSE-C, SSE-KMS and multipart
 * ones do not)
 */
export interface CopyCheck {
  etagsAreDigests?: boolean;
  settling?: Promise<unknown> | undefined;
}

/**
 * Server-side copy of one exact vault version into the target, made once and checked after the copy:
 * - the copy's ETag equals the listed vault ETag (both the MD5 of the same bytes), checked with no further
 *   request, or else
 * - the checksum S3 computed for the copy in the vault object's own algorithm must equal the vault version's
 *   stored checksum (HeadObject).
 * Every copy asks S3 for that checksum (without the header S3 would copy the source's value, which checks
 * nothing), though most are settled by their ETag: an MD5-looking ETag may be an SSE-KMS one (a vault of mixed
 * encryption), and a copy that asked for none could only be checked by copying it again.
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
  const copy = () =>
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
  if (item.size > SINGLE_COPY_LIMIT || !isMd5Etag(item.etag))
    return checkByChecksum(vault, item, retry, copy());
  while (check.etagsAreDigests === undefined && check.settling) await check.settling.catch(() => undefined);
  if (check.etagsAreDigests === undefined) {
    const settling = checkByChecksum(vault, item, retry, copy());
    check.settling = settling;
    try {
      const copied = await settling;
      check.etagsAreDigests = copied.etag === item.etag;
      return copied;
    } finally {
      check.settling = undefined;
    }
  }
  if (!check.etagsAreDigests) return checkByChecksum(vault, item, retry, copy());
  const copied = await copy();
  if (copied.etag === item.etag) return { checksum: `etag:${item.etag}`, etag: copied.etag };
  // A vault of mixed encryption (this object SSE-KMS, the first one not): the copy is checked by its checksum, and
  // the rest of the restore reads each vault version while its copy runs.
  check.etagsAreDigests = false;
  return checkByChecksum(vault, item, retry, Promise.resolve(copied));
}

/**
 * Compares the checksum S3 computed for a copy (asked for with the vault object's algorithm) with the vault
 * version's stored one. Given a copy still running, the vault version's stored checksum is read meanwhile, not
 * after it: a version id names immutable bytes (and the vault's lock keeps them), so its checksum is the same
 * before, during and after the copy, and the check costs the copy's time instead of the copy's plus a round trip.
 */
async function checkByChecksum(
  vault: { s3: S3Client; bucket: string },
  item: RestoreItem,
  retry: RetryOptions | undefined,
  copying: Promise<{ etag: string | undefined; checksums: Checksums }>,
): Promise<CopiedObject> {
  const [copied, head] = await Promise.all([
    copying,
    retryThrottled(
      () =>
        vault.s3.send(
          new HeadObjectCommand({
            Bucket: vault.bucket,
            Key: item.key,
            VersionId: item.versionId,
            ChecksumMode: 'ENABLED',
          }),
        ),
      retry,
    ),
  ]);
  const expected = head as Checksums;
  if (head.ContentLength !== undefined && head.ContentLength !== item.size) {
    throw new Error(`vault version is ${head.ContentLength} bytes, the plan says ${item.size}`);
  }
  for (const field of CHECKSUM_FIELDS) {
    const want = expected[field];
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
  const head = (side: { s3: S3Client; bucket: string }, versionId?: string) =>
    retryThrottled(
      () =>
        side.s3.send(
          new HeadObjectCommand({
            Bucket: side.bucket,
            Key: item.key,
            ...(versionId ? { VersionId: versionId } : {}),
            ChecksumMode: 'ENABLED',
          }),
        ),
      retry,
    );
  const [want, got] = (await Promise.all([head(vault, item.versionId), head(target)])) as [
    Checksums,
    Checksums,
  ];
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
