/**
 * Verify at scale, in-process and without S3: (1) a diff of VERSIONS source versions against their vault copies
 * from listings, (2) a diff of two gzipped S3 Inventory CSV files (source and vault) of ROWS rows each, as
 * `airgap s3 verify --source-inventory --vault-inventory` makes it (each inventory parsed in its own worker thread).
 * The inventories are written once per size into the temp folder and reused by later runs (bench/inventory-files.ts).
 * Reports wall time, CPU time (all threads, and the main thread alone) and peak memory (maxRSS); 0 skips a part.
 * With inventoryFiles > 1 each inventory is that many data files whose key ranges interleave (inventory-files.ts).
 *   npx tsx bench/verify.ts [versions=1000000] [inventoryRows=10000000] [inventoryFiles=1]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { diffInventories } from '../src/protect/s3/inventory-diff.js';
import type { SourceVersion, VaultVersion, VerifyPolicy } from '../src/protect/s3/verify-check.js';
import { diffHistories } from '../src/protect/s3/verify.js';
import { inventoryPair, keyOf, modified, NOW, PER_KEY } from './inventory-files.js';

const VERSIONS = Number(process.argv[2] ?? 1_000_000);
const ROWS = Number(process.argv[3] ?? 10_000_000);
const FILES = Number(process.argv[4] ?? 1);
const DAY = 86_400_000;
const now = NOW;
const policy: VerifyPolicy = {
  windowStart: new Date(now - 30 * DAY),
  settledBefore: new Date(now - 15 * 60_000),
  retentionDays: 30,
  mode: 'COMPLIANCE',
};

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
if (VERSIONS > 0) {
  await measure(`${VERSIONS / 1e6}M versions, listings`, () =>
    diffHistories(sourceListing(VERSIONS), vaultListing(VERSIONS), policy),
  );
}
if (ROWS > 0) {
  const [source, vault] = await inventoryPair(ROWS, FILES);
  const files = FILES === 1 ? '' : `, ${FILES} interleaving data files each`;
  await measure(
    `${ROWS / 1e6}M-row inventories (source and vault, ${(2 * ROWS) / 1e6}M rows read${files})`,
    () => diffInventories(source, vault, policy, { thread: true }),
  );
}
console.log(
  `\nmaxRSS of the whole run (process.resourceUsage): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
