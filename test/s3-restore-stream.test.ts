import { CopyObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/main.js';
import { AwsClients } from '../src/aws/clients.js';
import { InputError } from '../src/errors.js';
import { drainingWriter, streamedJsonReport } from '../src/cli/streamed-report.js';
import { restoreBucket, type RestoredItem } from '../src/protect/s3/restore.js';
import { quickstart } from './support/config.js';
import {
  ETAG as etag,
  fakeS3 as fake,
  keys,
  PAGE,
  restoredBucket as bucket,
} from './support/fake-restore-s3.js';
import { restoreWithItems } from './support/restore.js';
import { s3Error, slowDown } from './support/s3-errors.js';
import { withoutBackoff } from './support/throttling.js';

const config = quickstart();
const s3 = mockClient(S3Client);
const at = new Date('2026-11-23T06:00:00Z');
const to = 'airgap-restore-stream';
const onAws = () => new AwsClients({ region: 'us-east-1', roleName: 'AirGapOperator' });
const mutatingCalls = () =>
  s3
    .calls()
    .map((c) => (c.args[0] as object).constructor.name)
    .filter((name) => /^(Put|Copy|Create|Delete|Upload|Complete|Restore)/.test(name));

/** The listing pages read of a bucket (not counting the probe of one key that tells an empty target). */
const pagesRead = (name: string) =>
  s3
    .commandCalls(ListObjectVersionsCommand)
    .filter((c) => c.args[0].input.Bucket === name && c.args[0].input.MaxKeys === undefined).length;

/** The fake vault and target of fake-restore-s3.ts on this file's client mock; `onVaultPage` may delay a page. */
const fakeS3 = (vaultKeys: string[], targetKeys: string[] = [], onVaultPage?: (n: number) => Promise<void>) =>
  fake(s3, vaultKeys, targetKeys, { vaultPage: onVaultPage });

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

  it('threat #32: with --force, copies only the keys the target lacks and leaves the foreign one alone, listing the target once', async () => {
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
    // Nothing to refuse, so no read-only first pass: the target's 61 keys are listed once (2 pages), the vault's once.
    expect(pagesRead(to)).toBe(2);
    expect(pagesRead(bucket.vaultBucket)).toBe(3);
    expect(totals.at(-1)).toBe(120);
  });

  it('threat #32: without --force, an existing target is listed twice: a read-only pass first, so a refusal changes nothing', async () => {
    fakeS3(keys(120), keys(60));
    const report = await restoreWithItems(onAws(), config, bucket, { at, to });
    expect(report).toMatchObject({ restored: 60, skippedAlreadyRestored: 60, foreignKeys: 0, failed: [] });
    expect(pagesRead(to)).toBe(4);
  });

  it('with --prefix, lists only the prefix on both sides, the probe of the target too', async () => {
    const fake = fakeS3([...keys(30), ...keys(20).map((k) => `p/${k}`)], [...keys(30), 'p/k000']);
    const report = await restoreWithItems(onAws(), config, bucket, { at, to, prefix: 'p/' });
    expect(report).toMatchObject({ restored: 19, skippedAlreadyRestored: 1, foreignKeys: 0, failed: [] });
    expect(fake.copies.sort()).toEqual(keys(19, 1).map((k) => `p/${k}`));
    const prefixes = s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input.Prefix);
    expect(prefixes.length).toBeGreaterThan(0);
    expect(prefixes.every((p) => p === 'p/')).toBe(true);
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

  /** `airgap restore s3 ... --output <output>` in process: its exit code, stdout and stderr. */
  async function restoreCli(output = 'json') {
    process.env['AWS_ENDPOINT_URL'] = 'http://127.0.0.1:9'; // never reached: the mock answers every call
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed += String(text);
      return true;
    });
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void errors.push(String(text)));
    const argv = ['restore', 's3', '--config', 'examples/quickstart.yaml', '--bucket', bucket.bucket];
    const options = ['--at', at.toISOString(), '--to', to, '--output', output];
    const code = await run(['node', 'airgap', ...argv, ...options]);
    return { code, printed, errors: errors.join('\n') };
  }

  it('airgap restore s3 --output json prints the report as before, its items written as they complete (in-process CLI)', async () => {
    fakeS3(keys(120));
    const { code, printed } = await restoreCli();
    expect(code).toBe(0);
    const report = JSON.parse(printed) as { items: { key: string; checksum: string }[] };
    expect(report).toMatchObject({ source: bucket.bucket, target: to, restored: 120, failed: [] });
    expect(report).not.toHaveProperty('error');
    expect(report.items.map((i) => i.key).sort()).toEqual(keys(120));
    expect(report.items.every((i) => i.checksum.length > 0)).toBe(true);
  });

  it('airgap restore s3 --output json: a run that AWS stops half-way (the vault listing is refused on its 3rd page) still prints a complete report that says why and what was done; stderr has that one line, no stack trace; exit 3 (in-process CLI)', async () => {
    const fake = fakeS3(keys(200), [], async (n) => {
      // As the SDK throws S3's 403: a service exception, its fault and metadata set.
      if (n === 3) throw s3Error('AccessDenied', 'Access Denied', 403);
    });
    const { code, printed, errors } = await restoreCli();
    expect(code).toBe(3);
    const report = JSON.parse(printed) as { items: { key: string }[]; restored: number; error: string };
    expect(report).toMatchObject({ target: to, failed: [] });
    expect(report.error).toBe(
      `AccessDenied: Access Denied; stopped after restoring ${fake.copies.length} keys (0 already there, 0 failed): run again to resume`,
    );
    expect(errors).toBe(report.error);
    // Every copy made is in the report, and was finished before the report was closed.
    expect(report.restored).toBeGreaterThan(0);
    expect(report.items.map((i) => i.key).sort()).toEqual(fake.copies.sort());
    expect(report.restored).toBe(fake.copies.length);
  });

  it('airgap restore s3: a stop that is no AWS error (a defect) prints its stack trace, exit 3 (in-process CLI)', async () => {
    fakeS3(keys(200), [], async (n) => {
      if (n === 3) throw new TypeError('undefined is not a function');
    });
    const { code, errors } = await restoreCli();
    expect(code).toBe(3);
    expect(errors).toMatch(/^TypeError: undefined is not a function\n\s+at /);
  });

  it('airgap restore s3 --output json: SIGTERM lets the copies in flight settle, completes the report saying it was interrupted and what was done, and exits 143 (in-process CLI)', async () => {
    let sent = false;
    const s3s = fake(s3, keys(200), [], {
      copy: async () => {
        if (s3s.copies.length >= 5 && !sent) sent = process.emit('SIGTERM', 'SIGTERM');
        await new Promise((r) => setImmediate(r));
      },
    });
    const { code, printed, errors } = await restoreCli();
    expect(code).toBe(143);
    const report = JSON.parse(printed) as { items: { key: string }[]; restored: number; error: string };
    expect(report.error).toBe(
      `interrupted (SIGTERM); stopped after restoring ${s3s.copies.length} keys (0 already there, 0 failed): run again to resume`,
    );
    expect(report.items.map((i) => i.key).sort()).toEqual(s3s.copies.sort());
    expect(report.restored).toBeLessThan(200);
    expect(errors.split('\n')).toEqual([
      'SIGTERM: stopping once the work in flight has settled (again to stop at once)',
      report.error,
    ]);
    // The command's listeners are gone with it: a later SIGTERM gets Node's default handling.
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('airgap restore s3: in text output, a run that stops half-way says so and what it did, the error on stderr (in-process CLI)', async () => {
    const fake = fakeS3(keys(200), [], async (n) => {
      if (n === 3) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    });
    const { code, printed, errors } = await restoreCli('text');
    expect(code).not.toBe(0);
    expect(errors).toContain('Access Denied');
    expect(printed).toMatch(new RegExp(`^stopped: restored ${fake.copies.length} keys \\(\\d+ bytes\\) of `));
  });

  const failing = 'k042';
  const restoredKeys = keys(120).filter((k) => k !== failing);

  it('threat #15: airgap restore s3: a copy S3 throttles (503 SlowDown) past its bounded retries is FAILED on stderr with its version id, every other key restored, exit 1 (in-process CLI, client mock: moto never throttles)', async () => {
    const fake = fakeS3(keys(120));
    s3.on(CopyObjectCommand, { Key: failing }).rejects(slowDown());
    const { code, printed, errors } = await withoutBackoff(() => restoreCli());
    expect(code).toBe(1);
    expect(errors).toBe(`FAILED ${failing} (v-${failing}): SlowDown: Please reduce your request rate.`);
    const report = JSON.parse(printed) as { items: { key: string }[]; restored: number; failed: unknown[] };
    expect(report).toMatchObject({
      restored: 119,
      failed: [{ key: failing, versionId: `v-${failing}`, reason: expect.stringContaining('SlowDown') }],
    });
    expect(report).not.toHaveProperty('error');
    expect(report.items.map((i) => i.key).sort()).toEqual(restoredKeys);
    expect(fake.copies.sort()).toEqual(restoredKeys);
    // Retried, but a bounded number of times (the default 6 attempts), never forever.
    expect(s3.commandCalls(CopyObjectCommand, { Key: failing })).toHaveLength(6);
  });

  it("threat #30: airgap restore s3: a copy whose checksum differs from its vault version's is FAILED on stderr with its version id, every other key restored, exit 1 (in-process CLI, client mock: moto never verifies checksums)", async () => {
    fakeS3(keys(120));
    // Another ETag than the listed one, so the copy is checked by the SHA-256 S3 computed for it.
    s3.on(CopyObjectCommand, { Key: failing }).resolves({
      CopyObjectResult: { ETag: '"ffffffffffffffffffffffffffffffff"', ChecksumSHA256: 'tampered' },
    });
    const { code, printed, errors } = await restoreCli();
    expect(code).toBe(1);
    expect(errors).toBe(
      `FAILED ${failing} (v-${failing}): ChecksumSHA256 after copy tampered differs from the vault version's sha`,
    );
    const report = JSON.parse(printed) as { items: { key: string }[]; restored: number };
    expect(report).toMatchObject({ restored: 119, failed: [{ key: failing, versionId: `v-${failing}` }] });
    expect(report.items.map((i) => i.key).sort()).toEqual(restoredKeys);
  });

  it('a stalled reader of the streamed report holds the copies back: memory is bounded by the concurrency', async () => {
    const fake = fakeS3(keys(200));
    const out = new PassThrough({ highWaterMark: 16 });
    const json = streamedJsonReport<RestoredItem>(drainingWriter(out, () => undefined));
    let settled = false;
    const restore = restoreBucket(onAws(), config, bucket, { at, to, concurrency: 4, onItem: json.item });
    void restore.finally(() => (settled = true));
    // Runs the event loop until the restore has settled, or has sent no copy for 50 turns in a row.
    for (let idle = 0, seen = -1; idle < 50 && !settled;) {
      await new Promise((r) => setImmediate(r));
      idle = fake.copies.length > 0 && fake.copies.length === seen ? idle + 1 : 0;
      seen = fake.copies.length;
    }
    expect(settled).toBe(false);
    expect(fake.copies.length).toBeLessThanOrEqual(8);
    let text = '';
    out.on('data', (chunk) => (text += String(chunk)));
    const report = await restore;
    await json.end(report);
    out.end();
    await finished(out);
    const printed = JSON.parse(text) as { items: unknown[]; restored: number };
    expect(printed.items).toHaveLength(200);
    expect(printed.restored).toBe(200);
  });
});
