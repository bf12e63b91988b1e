/**
 * The two S3 Inventory data sets of the verify bench (source and vault, ROWS rows each, four versions a key, the
 * vault side with Object Lock columns), written gzipped as S3 writes them, and cached: a 10M-row pair takes
 * minutes to write on a loaded machine, so it is written once per size into the temp folder and reused. With
 * FILES > 1 each side is FILES data files with keys dealt round robin, so every file's key range interleaves with
 * every other's (the worst case for the reader's merge by key: no batch can be passed on as parsed).
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
export async function inventoryPair(rows: number, files = 1): Promise<[string, string]> {
  const dir = join(tmpdir(), 'airgap-bench-verify', files === 1 ? `v1-${rows}` : `v1-${rows}-f${files}`);
  const manifests: [string, string] = [join(dir, 'source-manifest.json'), join(dir, 'vault-manifest.json')];
  if (existsSync(join(dir, 'complete'))) return manifests;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  await Promise.all([write(dir, 'source', rows, files), write(dir, 'vault', rows, files)]);
  writeFileSync(join(dir, 'complete'), '');
  console.error(`wrote ${dir} in ${((Date.now() - started) / 1000).toFixed(0)} s (cached for later runs)`);
  return manifests;
}

async function write(dir: string, side: 'source' | 'vault', rows: number, files: number): Promise<void> {
  const names = Array.from({ length: files }, (_, f) =>
    files === 1 ? `${side}.csv.gz` : `${side}-${f}.csv.gz`,
  );
  const gzips = names.map((name) => {
    const gzip = createGzip({ level: constants.Z_BEST_SPEED });
    return { gzip, out: gzip.pipe(createWriteStream(join(dir, name))), chunk: '' };
  });
  // Dates repeat every 500 keys: their ISO strings are made once.
  const shift = side === 'vault' ? 5_000 : 0;
  const iso = (ms: number) => new Date(ms).toISOString();
  const dates = Array.from({ length: 500 * PER_KEY }, (_, n) => {
    const at = modified(Math.floor(n / PER_KEY), n % PER_KEY) + shift;
    return side === 'vault'
      ? `"${iso(at)}","0123456789abcdef0123456789abcdef","${iso(at + 30 * DAY)}","COMPLIANCE"`
      : `"${iso(at)}","0123456789abcdef0123456789abcdef","",""`;
  });
  for (let i = 0; i < rows / PER_KEY; i++) {
    const key = keyOf(i);
    const file = gzips[i % files]!;
    for (let v = 0; v < PER_KEY; v++) {
      file.chunk += `"${side}","${key}","s${i}.${v}","${v === 0}","false","4096",${dates[(i % 500) * PER_KEY + v]}\n`;
    }
    if (file.chunk.length > 1 << 20) {
      if (!file.gzip.write(file.chunk)) await once(file.gzip, 'drain');
      file.chunk = '';
    }
  }
  for (const file of gzips) file.gzip.end(file.chunk);
  await Promise.all(gzips.map((file) => once(file.out, 'finish')));
  writeFileSync(
    join(dir, `${side}-manifest.json`),
    JSON.stringify({
      sourceBucket: side,
      fileFormat: 'CSV',
      fileSchema: SCHEMA,
      files: names.map((name) => ({ key: `${side}/inv/data/${name}` })),
    }),
  );
}
