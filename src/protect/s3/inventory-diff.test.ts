import { describe, expect, it } from 'vitest';
import { DAY, iso, now, policy, writeInventory } from '../../../test/support/inventory.js';
import { fnv1a } from './inventory-batch.js';
import { CsvLine } from './inventory-csv.js';
import { diffInventories } from './inventory-diff.js';
import { inventoryVersions } from './inventory.js';
import { AwsClients } from '../../aws/clients.js';
import { protectedBuckets } from '../../config/plan.js';
import { quickstart } from '../../../test/support/config.js';
import { diffHistories, verifyBucket, verifyPolicy } from './verify.js';

/** A gzipped inventory of CSV rows (lines as S3 writes them) and its manifest. */
const inventory = (lines: string[]) => writeInventory(lines.join('\n') + '\n');

const row = (
  key: string,
  version: string,
  at: number | string,
  o: { size?: string; etag?: string; marker?: boolean; until?: number | string; mode?: string } = {},
) => {
  const date = (d: number | string | undefined) => (typeof d === 'number' ? iso(d) : (d ?? ''));
  const cells = [
    'b',
    key,
    version,
    'false',
    String(o.marker ?? false),
    o.size ?? (o.marker ? '' : '10'),
    date(at),
    o.etag ?? (o.marker ? '' : 'e'),
    date(o.until),
    o.mode ?? '',
  ];
  return cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',');
};
const locked = (at: number) => ({ until: at + 31 * DAY, mode: 'COMPLIANCE' });

/** Rows sorted by key (URL-decoded, in UTF-8 byte order, as S3 sorts), each key's rows in their order. */
const byKey = (lines: string[]) => {
  const keyOf = (line: string) =>
    Buffer.from(decodeURIComponent(/^"[^"]*","([^"]*)"/.exec(line)![1]!.replace(/\+/g, '%20')));
  return lines
    .map((line, i) => ({ line, i, key: keyOf(line) }))
    .sort((a, b) => Buffer.compare(a.key, b.key) || a.i - b.i)
    .map((r) => r.line);
};

/** The report of the columnar diff, threaded and in-process, and of checkKey over versions: all three must agree. */
async function threeWays(source: string[], vault: string[]) {
  const [s, v] = [inventory(byKey(source)), inventory(byKey(vault))];
  const reference = await diffHistories(inventoryVersions(s), inventoryVersions(v), policy);
  expect(await diffInventories(s, v, policy)).toEqual(reference);
  expect(await diffInventories(s, v, policy, { thread: true })).toEqual(reference);
  return reference;
}

describe('S3 Inventory diff over columnar batches', () => {
  it('reports exactly what checkKey reports over versions, for findings of every kind and every shape of history', async () => {
    const source: string[] = [];
    const vault: string[] = [];
    const both = (key: string, version: string, at: number, o: Parameters<typeof row>[3] = {}) => {
      source.push(row(key, version, at, o));
      vault.push(row(key, version, at + 500, { ...locked(at + 500), ...o }));
    };
    const t = now - DAY;
    both('.airgap/canary', 'c1', t); // never counted
    source.push(row('.airgap/x', 'c2', t)); // missing, but not workload
    for (let i = 0; i < 2000; i++) both(`clean/${String(i).padStart(5, '0')}`, `v${i}`, t - i * 1000);
    // Delete markers on both sides, a version before the window in the source only.
    both('d/marker', 'm1', t, { marker: true });
    both('d/marker', 'm0', t - 1000);
    source.push(row('d/old', 'o1', now - 40 * DAY));
    both('d/old', 'o2', t);
    // Missing (settled) and pending (written within the RPO), a key only in the source, one only in the vault.
    both('f/missing', 'a', t);
    source.push(row('f/missing', 'b', t - 1000));
    source.push(row('f/pending', 'p', now - 1000));
    source.push(row('f/source-only', 's', t));
    vault.push(row('f/vault-only', 'u', t, locked(t)));
    vault.push(row('f/vault-only', 'u-old', now - 40 * DAY, locked(now - 40 * DAY)));
    // Mismatched size and ETag, an ETag with an escaped quote, an empty ETag on one side.
    source.push(row('f/size', 'x', t, { size: '11' }));
    vault.push(row('f/size', 'x', t, locked(t)));
    source.push(row('f/etag', 'x', t, { etag: 'one' }));
    vault.push(row('f/etag', 'x', t, { ...locked(t), etag: 'two' }));
    both('f/quoted-etag', 'x', t, { etag: 'a"b' });
    source.push(row('f/etag-absent', 'x', t, { etag: '' }));
    vault.push(row('f/etag-absent', 'x', t, locked(t)));
    // Retention too short, absent, in another mode, without a mode; an unexpected vault version.
    source.push(row('r/short', 'x', t));
    vault.push(row('r/short', 'x', t, { until: t + DAY, mode: 'COMPLIANCE' }));
    source.push(row('r/none', 'x', t));
    vault.push(row('r/none', 'x', t));
    source.push(row('r/mode', 'x', t));
    vault.push(row('r/mode', 'x', t, { until: t + 40 * DAY, mode: 'GOVERNANCE' }));
    source.push(row('r/no-mode', 'x', t));
    vault.push(row('r/no-mode', 'x', t, { until: t + 40 * DAY }));
    both('u/extra', 'x', t);
    vault.push(row('u/extra', 'stray', t - 1000, locked(t - 1000)));
    // Two vault copies of one source version: the first one counts (here the bad one).
    source.push(row('v/twice', 'x', t));
    vault.push(row('v/twice', 'x', t, { until: t + DAY, mode: 'COMPLIANCE' }));
    vault.push(row('v/twice', 'x', t, locked(t)));
    // URL-encoded keys: '+' is a space, and two raw forms of one key are one key; a non-ASCII key.
    both('k/a+b', 'x', t);
    source.push(row('k/a%20b', 'y', t - 1000));
    vault.push(row('k/a%20b', 'y', t - 500, locked(t - 500)));
    both('k/caf%C3%A9', 'x', t);
    // Non-ASCII version ids and ETags, an empty version id (the null version), a date in another form.
    both('n/id', 'vé', t, { etag: 'é' });
    both('n/null', '', t);
    source.push(row('n/date', 'x', '2026-11-22T06:00:00Z'));
    vault.push(row('n/date', 'x', '2026-11-22T06:00:01Z', locked(now - DAY + 1000)));
    // Histories longer than a scan (32) and than a batch (4,096 rows), one version missing in each.
    for (let n = 0; n < 40; n++) if (n !== 7) both('z/long', `l${n}`, t - n * 1000);
    source.push(row('z/long', 'l7', t - 7000));
    for (let n = 0; n < 5000; n++) if (n !== 4500) both('z/longer', `h${n}`, t - n * 100);
    source.push(row('z/longer', 'h4500', t - 450_000));
    both('z/after', 'x', t);

    const report = await threeWays(source, vault);
    expect(report.counts).toEqual({ missing: 4, mismatched: 2, unexpected: 2, retention: 5 });
    expect(report.pending).toBe(1);
    expect(report.verified).toBeGreaterThan(7000);
  });

  it('confirms a version id whose hash matches by its bytes (v7pwu and ve5fa share an FNV-1a hash)', async () => {
    const [a, b] = [Buffer.from('v7pwu'), Buffer.from('ve5fa')];
    expect(fnv1a(a, 0, a.length)).toBe(fnv1a(b, 0, b.length));
    const t = now - DAY;
    const report = await threeWays([row('k', 'v7pwu', t)], [row('k', 've5fa', t, locked(t))]);
    expect(report.counts).toMatchObject({ missing: 1, unexpected: 1 });
    expect(report.verified).toBe(0);
  });

  it('is what s3 verify runs when both sides are inventories, with no S3 request with --no-drift (nothing listens on the endpoint)', async () => {
    const config = quickstart();
    const bucket = protectedBuckets(config)[0]!;
    const at = new Date(now);
    const t = now - DAY;
    const [s, v] = [
      inventory([row('k', 'a', t), row('k', 'b', t)]),
      inventory([row('k', 'a', t, locked(t))]),
    ];
    const clients = new AwsClients({
      region: 'us-east-1',
      roleName: 'none',
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const report = await verifyBucket(clients, config, bucket, {
      sourceInventory: s,
      vaultInventory: v,
      now: at,
      drift: false,
    });
    expect(report.sources).toEqual({ source: 'inventory', vault: 'inventory' });
    expect(report.drift).toBeNull();
    const expected = await diffHistories(
      inventoryVersions(s),
      inventoryVersions(v),
      verifyPolicy(config, at),
    );
    expect(report).toMatchObject(expected);
    expect(report.counts.missing).toBe(1);
  });

  it('refuses an inventory out of key order, as the listing diff does', async () => {
    const t = now - DAY;
    const [s, v] = [inventory([row('b', 'x', t), row('a', 'y', t)]), inventory([])];
    await expect(diffInventories(s, v, policy)).rejects.toThrow(/source listing is not in key order/);
  });
});

describe('CsvLine', () => {
  const dateOf = (text: string) => {
    const line = new CsvLine(1);
    line.read(Buffer.from(`"${text}"\n`), 0);
    return line.date(0);
  };

  it('reads dates as Date.parse does, in the form S3 writes and any other', () => {
    const samples = [
      '2026-02-28T23:59:59.999Z',
      '2024-02-29T00:00:00.000Z',
      '2026-02-31T00:00:00.000Z',
      '2026-04-31T12:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-13-10T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '2026-01-32T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '0050-06-01T00:00:00.000Z',
      '0100-03-01T00:00:00.000Z',
      '1600-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2026-1x-01T00:00:00.000Z',
      '2026-11-23T06:00:00Z',
      '2026-11-23',
      '',
      'not a date',
    ];
    for (let i = 0; i < 2000; i++)
      samples.push(new Date(Math.floor(Math.random() * 2.5e14) - 6e13).toISOString());
    for (const s of samples) expect([s, dateOf(s)]).toEqual([s, Date.parse(s)]);
  });
});
