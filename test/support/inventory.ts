import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

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
