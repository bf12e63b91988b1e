import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { VerifyPolicy } from '../../src/protect/s3/verify-check.js';

export const DAY = 86_400_000;
/** The "now" of the inventory tests' rows and policy. */
export const now = Date.UTC(2026, 10, 23, 6);
export const iso = (ms: number) => new Date(ms).toISOString();
/** The verify policy of the inventory tests: 30 days of COMPLIANCE retention, versions older than a minute settled. */
export const policy: VerifyPolicy = {
  windowStart: new Date(now - 30 * DAY),
  settledBefore: new Date(now - 60_000),
  retentionDays: 30,
  mode: 'COMPLIANCE',
};

export const INVENTORY_SCHEMA =
  'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, ObjectLockRetainUntilDate, ObjectLockMode';

/**
 * An S3 Inventory of one data file holding `text` (gzipped when `file` ends in .gz, as S3 writes it), or of one data
 * file per text of an array (named `0-a.csv.gz`, `1-a.csv.gz`, ..., listed in the manifest in that order), in a
 * fresh temp folder; returns its manifest.json.
 */
export function writeInventory(
  text: string | string[],
  { file = 'a.csv.gz', schema = INVENTORY_SCHEMA }: { file?: string; schema?: string } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  const texts = typeof text === 'string' ? [text] : text;
  const names = typeof text === 'string' ? [file] : texts.map((_, i) => `${i}-${file}`);
  texts.forEach((t, i) => writeFileSync(join(dir, names[i]!), file.endsWith('.gz') ? gzipSync(t) : t));
  const manifest = join(dir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      fileFormat: 'CSV',
      fileSchema: schema,
      files: names.map((name) => ({ key: `b/cfg/data/${name}` })),
    }),
  );
  return manifest;
}
