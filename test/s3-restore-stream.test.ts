import {
  CopyObjectCommand,
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type ListObjectVersionsCommandInput,
  type ObjectVersion,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { AwsClients } from '../src/aws/clients.js';
import { protectedBuckets } from '../src/config/index.js';
import { InputError } from '../src/errors.js';
import { restoreBucket } from '../src/protect/s3/restore.js';
import { quickstart } from './support/config.js';
import { restoreWithItems } from './support/restore.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const s3 = mockClient(S3Client);
const at = new Date('2026-11-23T06:00:00Z');
const when = new Date('2026-11-23T05:00:00Z');
const etag = '"0123456789abcdef0123456789abcdef"';
const to = 'airgap-restore-stream';
/**
 * Keys per ListObjectVersions page: AWS pages at 1,000, these buckets at 50, so that a few hundred keys span pages
 * and the merge's batches of 64 keys still fit in a bucket.
 */
const PAGE = 50;
const keys = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `k${String(from + i).padStart(3, '0')}`);
const onAws = () => new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
const mutatingCalls = () =>
  s3
    .calls()
    .map((c) => (c.args[0] as object).constructor.name)
    .filter((name) => /^(Put|Copy|Create|Delete|Upload|Complete|Restore)/.test(name));

const version = (Key: string): ObjectVersion => ({
  Key,
  VersionId: `v-${Key}`,
  Size: 3,
  ETag: etag,
  LastModified: when,
  ChecksumAlgorithm: ['SHA256'],
});

/** One listing page as S3 pages it: keys in order, resumed after `KeyMarker` (one version per key here). */
function page(versions: ObjectVersion[], input: ListObjectVersionsCommandInput) {
  const after = input.KeyMarker;
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
 * A vault bucket and a restore target that behave like S3 for a restore: the target exists once created, a
 * copy adds the vault version to it, and both list in pages of `PAGE` keys. `onVaultPage` may delay a page.
 */
function fakeS3(vaultKeys: string[], targetKeys: string[] = [], onVaultPage?: (n: number) => Promise<void>) {
  const vault = vaultKeys.map(version);
  const target = new Map(targetKeys.map((k) => [k, version(k)]));
  let exists = targetKeys.length > 0;
  let vaultPages = 0;
  const copies: string[] = [];
  s3.on(ListObjectVersionsCommand).callsFake(async (input: ListObjectVersionsCommandInput) => {
    if (input.Bucket !== bucket.vaultBucket) {
      return page(
        [...target.values()].sort((a, b) => (a.Key! < b.Key! ? -1 : 1)),
        input,
      );
    }
    await onVaultPage?.(++vaultPages);
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
    copies.push(input.Key);
    target.set(input.Key, version(input.Key));
    return { CopyObjectResult: { ETag: etag, ChecksumSHA256: 'sha' } };
  });
  return { copies, vaultPages: () => vaultPages };
}

describe('streaming S3 restore (client mock: listings paged by 50 keys, as AWS pages by 1,000)', () => {
  const endpoint = process.env['AWS_ENDPOINT_URL'];
  beforeEach(() => {
    delete process.env['AWS_ENDPOINT_URL'];
    s3.reset();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (endpoint !== undefined) process.env['AWS_ENDPOINT_URL'] = endpoint;
    else delete process.env['AWS_ENDPOINT_URL'];
  });

  it('starts copying before the vault listing has ended, and reports the total once it has', async () => {
    const all = keys(200);
    let copiesBeforeLastPage = -1;
    let copied: () => void = () => undefined;
    const firstCopy = new Promise<void>((resolve) => (copied = resolve));
    const fake = fakeS3(all, [], async (n) => {
      if (n < all.length / PAGE) return;
      // The last page waits (at most 5 s) for a copy: a restore that lists everything first never sends one.
      await Promise.race([firstCopy, new Promise((r) => setTimeout(r, 5000))]);
      copiesBeforeLastPage = fake.copies.length;
    });
    s3.on(CopyObjectCommand).callsFake(async (input: { Key: string }) => {
      fake.copies.push(input.Key);
      copied();
      return { CopyObjectResult: { ETag: etag, ChecksumSHA256: 'sha' } };
    });
    const totals: (number | undefined)[] = [];
    const report = await restoreWithItems(onAws(), config, bucket, {
      at,
      to,
      onProgress: (_done, total) => totals.push(total),
    });
    expect(copiesBeforeLastPage).toBeGreaterThan(0);
    expect(report).toMatchObject({ restored: 200, failed: [], planned: { keys: 200, bytes: 600 } });
    expect(report.items.map((i) => i.key)).toEqual(all);
    expect(fake.vaultPages()).toBe(4);
    expect(totals[0]).toBeUndefined();
    expect(totals.at(-1)).toBe(200);
  });

  it('threat #32: refuses a target whose foreign key is on its last listing page, before any write', async () => {
    fakeS3(keys(120), [...keys(60), 'zz-other-restore']);
    const refused = restoreBucket(onAws(), config, bucket, { at, to });
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow(
      /already holds 1 keys this restore would not write \(e\.g\. "zz-other-restore"\)/,
    );
    expect(mutatingCalls()).toEqual([]);
  });

  it('threat #32: with --force, copies only the keys the target lacks and leaves the foreign one alone', async () => {
    const fake = fakeS3(keys(120), [...keys(60), 'zz-other-restore']);
    const totals: (number | undefined)[] = [];
    const report = await restoreWithItems(onAws(), config, bucket, {
      at,
      to,
      force: true,
      onProgress: (_done, total) => totals.push(total),
    });
    expect(report).toMatchObject({ restored: 60, skippedAlreadyRestored: 60, foreignKeys: 1, failed: [] });
    expect(fake.copies.sort()).toEqual(keys(60, 60));
    // The first pass counted the plan: the total is known from the first key on.
    expect(totals.every((t) => t === 120)).toBe(true);
  });

  it('threat #32: a restore interrupted half-way and run again copies each key exactly once', async () => {
    const all = keys(120);
    const fake = fakeS3(all);
    const crash = restoreBucket(onAws(), config, bucket, {
      at,
      to,
      concurrency: 1,
      onProgress: (done) => {
        if (done === 70) throw new Error('killed');
      },
    });
    await expect(crash).rejects.toThrow('killed');
    expect(fake.copies).toEqual(keys(70));
    const again = await restoreWithItems(onAws(), config, bucket, { at, to });
    expect(again).toMatchObject({ restored: 50, skippedAlreadyRestored: 70, foreignKeys: 0, failed: [] });
    expect(again.items.map((i) => i.key)).toEqual(all);
    expect(fake.copies.sort()).toEqual(all);
  });

  it('airgap restore s3 --output json prints the report as before, its items written as they complete (in-process CLI)', async () => {
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9'; // never reached: the mock answers every call
    fakeS3(keys(120));
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    const argv = ['restore', 's3', '--config', 'examples/quickstart.yaml', '--bucket', bucket.bucket];
    const code = await run([
      'node',
      'airgap',
      ...argv,
      '--at',
      at.toISOString(),
      '--to',
      to,
      '--output',
      'json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(printed) as { items: { key: string; checksum: string }[] };
    expect(report).toMatchObject({ source: bucket.bucket, target: to, restored: 120, failed: [] });
    expect(report.items.map((i) => i.key).sort()).toEqual(keys(120));
    expect(report.items.every((i) => i.checksum.length > 0)).toBe(true);
  });
});
