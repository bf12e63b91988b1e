/**
 * The two S3 Inventory data sets of the verify bench (source and vault, ROWS rows each, four versions a key, the
 * vault side with Object Lock columns), written gzipped as S3 writes them, and cached: a 10M-row pair takes
 * minutes to write on a loaded machine, so it is written once per size into the temp folder and reused.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, constants } from 'node:zlib';

export const PER_KEY = 4;
const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 10, 23, 6);
export const keyOf = (i: number) => `data/${String(i).padStart(9, '0')}.parquet`;
// Versions newest first within a key, as S3 lists them; one version an hour.
export const modified = (i: number, v: number) => NOW - 3_600_000 * (1 + (i % 500)) - v * 60_000;

const SCHEMA =
  'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, ObjectLockRetainUntilDate, ObjectLockMode';

/** Manifests of the cached pair of `rows` rows each, written first if absent: [source, vault]. */
export async function inventoryPair(rows: number): Promise<[string, string]> {
  const dir = join(tmpdir(), 'airgap-bench-verify', `v1-${rows}`);
  const manifests: [string, string] = [join(dir, 'source-manifest.json'), join(dir, 'vault-manifest.json')];
  if (existsSync(join(dir, 'complete'))) return manifests;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  await Promise.all([write(dir, 'source', rows), write(dir, 'vault', rows)]);
  writeFileSync(join(dir, 'complete'), '');
  console.error(`wrote ${dir} in ${((Date.now() - started) / 1000).toFixed(0)} s (cached for later runs)`);
  return manifests;
}

async function write(dir: string, side: 'source' | 'vault', rows: number): Promise<void> {
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const out = gzip.pipe(createWriteStream(join(dir, `${side}.csv.gz`)));
  // Dates repeat every 500 keys: their ISO strings are made once.
  const shift = side === 'vault' ? 5_000 : 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  const dates = Array.from({ length: 500 * PER_KEY }, (_, n) => {
    const at = modified(Math.floor(n / PER_KEY), n % PER_KEY) + shift;
    return side === 'vault'
      ? `"${iso(at)}","0123456789abcdef0123456789abcdef","${iso(at + 30 * DAY)}","COMPLIANCE"`
      : `"${iso(at)}","0123456789abcdef0123456789abcdef","",""`;
  });
  let chunk = '';
  for (let i = 0; i < rows / PER_KEY; i++) {
    const key = keyOf(i);
    for (let v = 0; v < PER_KEY; v++) {
      chunk += `"${side}","${key}","s${i}.${v}","${v === 0}","false","4096",${dates[(i % 500) * PER_KEY + v]}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!gzip.write(chunk)) await once(gzip, 'drain');
      chunk = '';
    }
  }
  gzip.end(chunk);
  await once(out, 'finish');
  writeFileSync(
    join(dir, `${side}-manifest.json`),
    JSON.stringify({
      sourceBucket: side,
      fileFormat: 'CSV',
      fileSchema: SCHEMA,
      files: [{ key: `${side}/inv/data/${side}.csv.gz` }],
    }),
  );
}
