import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type ListObjectVersionsCommandInput,
  type ObjectVersion,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';
import { protectedBuckets } from '../../src/config/index.js';
import { quickstart } from './config.js';

/** The quickstart's first protected bucket, whose vault bucket the fake serves. */
export const restoredBucket = protectedBuckets(quickstart())[0]!;
export const ETAG = '"0123456789abcdef0123456789abcdef"';
/**
 * Keys per ListObjectVersions page: AWS pages at 1,000, these buckets at 50, so that a few hundred keys span pages
 * and the merge's batches of 64 keys still fit in a bucket.
 */
export const PAGE = 50;
const when = new Date('2026-11-23T05:00:00Z');

export const keys = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `k${String(from + i).padStart(3, '0')}`);

const version = (Key: string): ObjectVersion => ({
  Key,
  VersionId: `v-${Key}`,
  Size: 3,
  ETag: ETAG,
  LastModified: when,
  ChecksumAlgorithm: ['SHA256'],
});

/**
 * One listing page as S3 pages it: keys under `Prefix` in order, resumed after `KeyMarker` (one version per key
 * here).
 */
function page(all: ObjectVersion[], input: ListObjectVersionsCommandInput) {
  const after = input.KeyMarker;
  const versions = all.filter((v) => v.Key!.startsWith(input.Prefix ?? ''));
  const rest = after === undefined ? versions : versions.filter((v) => v.Key! > after);
  const size = Math.min(PAGE, input.MaxKeys ?? PAGE);
  const Versions = rest.slice(0, size);
  const last = Versions.at(-1);
  const truncated = rest.length > size;
  return {
    Versions,
    IsTruncated: truncated,
    ...(truncated ? { NextKeyMarker: last?.Key, NextVersionIdMarker: last?.VersionId } : {}),
  };
}

/**
 * A vault bucket and a restore target that behave like S3 for a restore (client mock `s3`): the target exists once
 * created, a copy adds the vault version to it, and both list in pages of `PAGE` keys. `onVaultPage` may delay or
 * fail a page, `onCopy` a copy (before it is made).
 */
export function fakeS3(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
  vaultKeys: string[],
  targetKeys: string[] = [],
  on: { vaultPage?: (n: number) => Promise<void>; copy?: (key: string) => Promise<void> } = {},
) {
  const vault = vaultKeys.map(version);
  const target = new Map(targetKeys.map((k) => [k, version(k)]));
  let exists = targetKeys.length > 0;
  let vaultPages = 0;
  const copies: string[] = [];
  s3.on(ListObjectVersionsCommand).callsFake(async (input: ListObjectVersionsCommandInput) => {
    if (input.Bucket !== restoredBucket.vaultBucket) {
      return page(
        [...target.values()].sort((a, b) => (a.Key! < b.Key! ? -1 : 1)),
        input,
      );
    }
    await on.vaultPage?.(++vaultPages);
    return page(vault, input);
  });
  s3.on(HeadBucketCommand).callsFake(async () => {
    if (!exists) throw Object.assign(new Error('NotFound'), { name: 'NotFound' });
    return {};
  });
  s3.on(CreateBucketCommand).callsFake(async () => {
    exists = true;
    return {};
  });
  s3.on(PutPublicAccessBlockCommand).resolves({});
  s3.on(PutBucketVersioningCommand).resolves({});
  s3.on(HeadObjectCommand).resolves({ ContentLength: 3, ChecksumSHA256: 'sha' });
  s3.on(CopyObjectCommand).callsFake(async (input: { Key: string }) => {
    await on.copy?.(input.Key);
    copies.push(input.Key);
    target.set(input.Key, version(input.Key));
    return { CopyObjectResult: { ETag: ETAG, ChecksumSHA256: 'sha' } };
  });
  return { copies, vaultPages: () => vaultPages };
}
