import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const INVENTORY_SCHEMA =
  'Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, ObjectLockRetainUntilDate, ObjectLockMode';

/**
 * An S3 Inventory of one data file holding `text` (gzipped when `file` ends in .gz, as S3 writes it) in a fresh
 * temp folder; returns its manifest.json.
 */
export function writeInventory(
  text: string,
  { file = 'a.csv.gz', schema = INVENTORY_SCHEMA }: { file?: string; schema?: string } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  writeFileSync(join(dir, file), file.endsWith('.gz') ? gzipSync(text) : text);
  const manifest = join(dir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({ fileFormat: 'CSV', fileSchema: schema, files: [{ key: `b/cfg/data/${file}` }] }),
  );
  return manifest;
}
