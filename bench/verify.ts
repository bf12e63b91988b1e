/**
 * Verify at scale, in-process and without S3: (1) a diff of 1M source versions against their vault copies
 * from listings, (2) a diff of two S3 Inventory CSV files (source and vault) of ROWS rows each, generated
 * as files first, then diffed as `airgap s3 verify` does (each inventory parsed in its own worker thread).
 * Reports wall time, CPU time (all threads, and the main thread alone) and peak memory (maxRSS). Usage:
 *   npx tsx bench/verify.ts [versions=1000000] [inventoryRows=10000000]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { inventoryVersions } from '../src/protect/s3/inventory.js';
import type { SourceVersion, VaultVersion, VerifyPolicy } from '../src/protect/s3/verify-check.js';
import { diffHistories } from '../src/protect/s3/verify.js';

const VERSIONS = Number(process.argv[2] ?? 1_000_000);
const ROWS = Number(process.argv[3] ?? 10_000_000);
const PER_KEY = 4;
const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 23, 6);
const policy: VerifyPolicy = {
  windowStart: new Date(now - 30 * DAY),
  settledBefore: new Date(now - 15 * 60_000),
  retentionDays: 30,
  mode: 'COMPLIANCE',
};
const keyOf = (i: number) => `data/${String(i).padStart(9, '0')}.parquet`;
// Versions newest first within a key, as S3 lists them; one version an hour.
const modified = (i: number, v: number) => now - 3_600_000 * (1 + (i % 500)) - v * 60_000;

// Pages of 1000, as ListObjectVersions returns them.
async function* paged<T>(n: number, make: (i: number, v: number) => T): AsyncGenerator<T[]> {
  let page: T[] = [];
  for (let i = 0; i < n / PER_KEY; i++) {
    for (let v = 0; v < PER_KEY; v++) page.push(make(i, v));
    if (page.length >= 1000) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}
const sourceListing = (n: number) =>
  paged(n, (i, v): SourceVersion => ({
    key: keyOf(i),
    versionId: `s${i}.${v}`,
    deleteMarker: false,
    lastModified: new Date(modified(i, v)),
    size: 4096,
    checksumSha256: `h${i}.${v}`,
  }));
const vaultListing = (n: number) =>
  paged(n, (i, v): VaultVersion => {
    const at = modified(i, v) + 5_000;
    return {
      key: keyOf(i),
      versionId: `s${i}.${v}`,
      sourceVersionId: `s${i}.${v}`,
      deleteMarker: false,
      lastModified: new Date(at),
      size: 4096,
      checksumSha256: `h${i}.${v}`,
      retainUntil: new Date(at + 30 * DAY),
      lockMode: 'COMPLIANCE',
    };
  });

/** Writes an inventory manifest and one CSV data file of `rows` versions; the vault side carries locks. */
async function writeInventory(dir: string, side: 'source' | 'vault', rows: number): Promise<string> {
  const file = join(dir, `${side}.csv`);
  const out = createWriteStream(file);
  const iso = (ms: number) => new Date(ms).toISOString();
  let chunk = '';
  for (let i = 0; i < rows / PER_KEY; i++) {
    for (let v = 0; v < PER_KEY; v++) {
      const at = modified(i, v) + (side === 'vault' ? 5_000 : 0);
      const lock = side === 'vault' ? `"${iso(at + 30 * DAY)}","COMPLIANCE"` : '"",""';
      chunk += `"${side}","${keyOf(i)}","s${i}.${v}","${v === 0}","false","4096","${iso(at)}","0123456789abcdef0123456789abcdef",${lock}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  const manifest = join(dir, `${side}-manifest.json`);
  writeFileSync(
    manifest,
    JSON.stringify({
      sourceBucket: side,
      fileFormat: 'CSV',
      fileSchema:
        'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, ObjectLockRetainUntilDate, ObjectLockMode',
      files: [{ key: `${side}/inv/data/${side}.csv` }],
    }),
  );
  return manifest;
}

/**
 * CPU seconds of this process's main thread alone (Linux /proc): with the inventories parsed in worker threads,
 * the main thread's merge and checks are the critical path when cores are free; process.cpuUsage counts all
 * threads (workers and V8's GC helpers).
 */
function mainThreadCpu(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(label: string, fn: () => Promise<{ verified: number; ok: boolean }>) {
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const main = mainThreadCpu();
  const load = loadavg()[0]!;
  const out = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const mainUsed = mainThreadCpu() - main;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mib = (b: number) => (b / 1048576).toFixed(0);
  console.log(
    `| ${label} | ${seconds.toFixed(1)} | ${((used.user + used.system) / 1e6).toFixed(1)} | ${mainUsed.toFixed(1)} | ${load.toFixed(1)}-${loadavg()[0]!.toFixed(1)} | ${mib(peak)} | ${mib(peak - baseRss)} | ${(out.verified / seconds / 1e6).toFixed(2)} | ${out.ok ? 'ok' : 'FINDINGS'} (${out.verified} verified) |`,
  );
}

console.log(
  '| diff | wall s | CPU s, all threads | CPU s, main thread | load average | peak RSS MiB | RSS growth MiB | M versions/s | result |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
await measure(`${VERSIONS / 1e6}M versions, listings`, () =>
  diffHistories(sourceListing(VERSIONS), vaultListing(VERSIONS), policy),
);
const dir = mkdtempSync(join(tmpdir(), 'airgap-inventory-'));
try {
  const [source, vault] = [
    await writeInventory(dir, 'source', ROWS),
    await writeInventory(dir, 'vault', ROWS),
  ];
  await measure(`${ROWS / 1e6}M-row inventories (source and vault, ${(2 * ROWS) / 1e6}M rows read)`, () =>
    diffHistories(
      inventoryVersions(source, { thread: true }),
      inventoryVersions(vault, { thread: true }),
      policy,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\nmaxRSS of the whole run (process.resourceUsage): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
