import {
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { protectedBuckets } from '../src/config/index.js';
import { backfill } from '../src/protect/s3/backfill.js';
import { SOURCE_VERSION_METADATA } from '../src/protect/s3/metadata.js';
import { verifyBucket } from '../src/protect/s3/verify.js';
import { provisionSandbox } from '../src/sandbox/provision.js';
import { quickstart } from './support/config.js';
import { useMoto } from './support/moto.js';
import { expectUndeletable, put } from './support/s3.js';

const config = quickstart([
  [['organizations', 'source', 'managementAccount'], '430000000001'],
  [['organizations', 'source', 'workloadAccounts', 0, 'id'], '430000000002'],
  [['organizations', 'source', 'backupAccount'], '430000000003'],
  [['organizations', 'vault', 'managementAccount'], '440000000001'],
  [['organizations', 'vault', 'vaultAccount'], '440000000002'],
  [['organizations', 'source', 'airGapAccount'], '430000000009'],
  [['organizations', 'vault', 'restoreAccount'], '440000000004'],
  [['protect'], { s3: [{ account: '430000000002', names: ['backfill-src'] }] }],
]);
const bucket = protectedBuckets(config)[0]!;
// Past the RPO, so versions written seconds ago count as settled.
const later = () => new Date(Date.now() + (config.rpoMinutes.s3 + 1) * 60_000);

describe('S3 backfill and verify (moto)', () => {
  const moto = useMoto();
  let source: S3Client;
  let vault: S3Client;

  /** Source version id -> how many vault versions hold it. */
  async function vaultCopies(): Promise<Map<string, number>> {
    const listed = await vault.send(new ListObjectVersionsCommand({ Bucket: bucket.vaultBucket }));
    const counts = new Map<string, number>();
    for (const v of listed.Versions ?? []) {
      const head = await vault.send(
        new HeadObjectCommand({ Bucket: bucket.vaultBucket, Key: v.Key, VersionId: v.VersionId }),
      );
      const of = head.Metadata?.[SOURCE_VERSION_METADATA] ?? '';
      counts.set(of, (counts.get(of) ?? 0) + 1);
    }
    return counts;
  }

  beforeAll(async () => {
    await provisionSandbox(moto.clients, config);
    source = moto.clients.for(S3Client, bucket.account);
    vault = moto.clients.for(S3Client, config.organizations.vault.vaultAccount);
    // Objects that predate replication: three keys, six versions, one key overwritten twice.
    for (const [key, body] of [
      ['a.txt', 'a1'],
      ['a.txt', 'a2'],
      ['a.txt', 'a3'],
      ['b.txt', 'b1'],
      ['b.txt', 'b2'],
      ['c/d.txt', 'd1'],
    ] as const)
      await put(source, bucket.bucket, key, body);
  });

  it('threat #31: --dry-run plans every missing version and writes nothing', async () => {
    const plan = await backfill(moto.clients, config, bucket, { dryRun: true });
    expect(plan.planned).toEqual({ versions: 6, bytes: 12 });
    expect(plan.copied).toBe(0);
    const listed = await vault.send(new ListObjectVersionsCommand({ Bucket: bucket.vaultBucket }));
    expect(listed.Versions ?? []).toEqual([]);
  });

  it('threat #16: a backfill interrupted after two copies resumes and copies each missing version once', async () => {
    const abort = new AbortController();
    const first = await backfill(moto.clients, config, bucket, {
      concurrency: 1,
      signal: abort.signal,
      onProgress: (done) => done >= 2 && abort.abort(),
    });
    expect(first).toMatchObject({ copied: 2, interrupted: true, failed: [] });

    const second = await backfill(moto.clients, config, bucket, { concurrency: 4 });
    expect(second).toMatchObject({ copied: 4, interrupted: false, failed: [] });
    const third = await backfill(moto.clients, config, bucket);
    expect(third.planned.versions).toBe(0);

    const listed = await source.send(new ListObjectVersionsCommand({ Bucket: bucket.bucket }));
    const copies = await vaultCopies();
    expect([...copies.keys()].sort()).toEqual(listed.Versions!.map((v) => v.VersionId!).sort());
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('verify passes a complete vault: every version, same SHA-256, COMPLIANCE retention of the policy', async () => {
    const report = await verifyBucket(moto.clients, config, bucket, { now: later() });
    expect(report).toMatchObject({ ok: true, verified: 6, keys: 3 });
  });

  it('threat #1: verify reports a source version the vault lacks as missing and fails', async () => {
    const missing = await put(source, bucket.bucket, 'e.txt', 'not replicated');
    const report = await verifyBucket(moto.clients, config, bucket, { now: later() });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'missing', key: 'e.txt', versionId: missing }),
    ]);
    // Within the RPO the same version is only pending.
    const fresh = await verifyBucket(moto.clients, config, bucket);
    expect(fresh).toMatchObject({ ok: true, pending: 1 });
    await backfill(moto.clients, config, bucket);
  });

  it('threat #30: verify reports a vault copy whose content differs from its source version as mismatched', async () => {
    const original = await put(source, bucket.bucket, 'f.txt', 'original');
    await vault.send(
      new PutObjectCommand({
        Bucket: bucket.vaultBucket,
        Key: 'f.txt',
        Body: 'tampered',
        ChecksumAlgorithm: 'SHA256',
        Metadata: { [SOURCE_VERSION_METADATA]: original },
      }),
    );
    const report = await verifyBucket(moto.clients, config, bucket, { now: later() });
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'mismatched', key: 'f.txt', versionId: original }),
    ]);
    expect(report.counts).toMatchObject({ mismatched: 1, missing: 0, retention: 0 });
  });

  it('threat #7: verify reports a vault version retained for less than the policy (moto lets retention be shortened)', async () => {
    const listed = await vault.send(
      new ListObjectVersionsCommand({ Bucket: bucket.vaultBucket, Prefix: 'c/' }),
    );
    const copy = listed.Versions![0]!;
    await vault.send(
      new PutObjectRetentionCommand({
        Bucket: bucket.vaultBucket,
        Key: copy.Key,
        VersionId: copy.VersionId,
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 86_400_000) },
      }),
    );
    const report = await verifyBucket(moto.clients, config, bucket, { now: later() });
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        kind: 'retention',
        key: 'c/d.txt',
        detail: expect.stringContaining('30 days'),
      }),
    );
  });

  it('threat #6: a COMPLIANCE vault version cannot be deleted by the vault account, with or without the bypass header: 403 AccessDenied both times, the version, its lock and its bytes unchanged (moto)', async () => {
    await expectUndeletable(vault, bucket.vaultBucket, 'a.txt');
  });
});
