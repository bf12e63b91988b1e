import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../errors.js';
import type { VaultVersion } from './verify-check.js';

/**
 * S3 Inventory (CSV) as a version stream, for buckets too large to list: the manifest names the schema and
 * the data files; rows are read one at a time, so memory does not grow with the inventory.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 */
interface Manifest {
  sourceBucket?: string;
  fileFormat?: string;
  fileSchema?: string;
  files?: { key: string }[];
}

const REQUIRED = ['Key', 'VersionId', 'IsDeleteMarker', 'Size', 'LastModifiedDate'] as const;

export function readManifest(path: string): { sourceBucket: string; columns: string[]; files: string[] } {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new InputError([`${path}: not a readable S3 Inventory manifest.json (${(e as Error).message})`]);
  }
  if (manifest.fileFormat !== 'CSV') {
    throw new InputError([`${path}: fileFormat ${JSON.stringify(manifest.fileFormat)}; allowed: CSV`]);
  }
  const columns = (manifest.fileSchema ?? '').split(',').map((c) => c.trim());
  const absent = REQUIRED.filter((c) => !columns.includes(c));
  if (absent.length > 0) {
    throw new InputError([
      `${path}: fileSchema lacks ${absent.join(', ')}; enable versioned inventory with Size and LastModifiedDate`,
    ]);
  }
  const files = (manifest.files ?? []).map((f) => locate(path, f.key));
  return { sourceBucket: manifest.sourceBucket ?? '', columns, files };
}

/** A data file next to the manifest, or in the `data/` folder a synced inventory prefix has beside it. */
function locate(manifestPath: string, key: string): string {
  const dir = dirname(manifestPath);
  const name = basename(key);
  const candidates = [join(dir, name), join(dir, 'data', name), join(dir, '..', 'data', name)];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new InputError([`${manifestPath}: data file ${name} not found beside the manifest or in data/`]);
  return found;
}

/** Every row of an inventory as a vault-side version (the source side uses the same fields), page by page. */
export async function* inventoryVersions(manifestPath: string): AsyncGenerator<VaultVersion[]> {
  const { columns, files } = readManifest(manifestPath);
  const at = (name: string) => columns.indexOf(name);
  const ix = {
    key: at('Key'),
    version: at('VersionId'),
    marker: at('IsDeleteMarker'),
    size: at('Size'),
    modified: at('LastModifiedDate'),
    etag: at('ETag'),
    retain: at('ObjectLockRetainUntilDate'),
    mode: at('ObjectLockMode'),
  };
  for (const file of files) {
    let stream: Readable = createReadStream(file, { highWaterMark: 1 << 20 });
    if (file.endsWith('.gz')) stream = stream.pipe(createGunzip());
    yield* csvPages(stream, row);
  }

  function row(row: string[]): VaultVersion {
    const versionId = row[ix.version] || 'null';
    const retain = ix.retain >= 0 ? row[ix.retain] : undefined;
    return {
      key: decodeKey(row[ix.key] ?? ''),
      versionId,
      sourceVersionId: versionId,
      deleteMarker: row[ix.marker] === 'true',
      size: Number(row[ix.size] || 0),
      lastModified: new Date(row[ix.modified] ?? 0),
      etag: ix.etag >= 0 && row[ix.etag] ? `"${row[ix.etag]}"` : undefined,
      retainUntil: retain ? new Date(retain) : undefined,
      lockMode: ix.mode >= 0 ? row[ix.mode] || undefined : undefined,
    };
  }
}

/** Inventory URL-encodes keys, with '+' for a space; most keys need neither, so skip the decoding then. */
function decodeKey(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  return decodeURIComponent(raw.replace(/\+/g, '%20'));
}

/**
 * The rows of a CSV text stream made into items by `make`, one array per chunk read (a row split across
 * chunks is carried over). Each row's fields become garbage at once, so a chunk's worth never piles up.
 * Hand-written for the one dialect S3 Inventory writes (every field double-quoted, quotes inside doubled,
 * no line breaks inside fields: keys are URL-encoded): scanning each chunk with indexOf is 3-6 times faster
 * than csv-parse or papaparse on the same file (bench/RESULTS.md, verify), and the diff is bound by it.
 */
async function* csvPages<T>(stream: Readable, make: (fields: string[]) => T): AsyncGenerator<T[]> {
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const items: T[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
      if (end > start) items.push(make(parseCsvLine(text, start, end)));
    }
    rest = text.slice(start);
    yield items;
  }
  if (rest.trim() !== '') yield [make(parseCsvLine(rest))];
}

/** One CSV line (of `text` between `from` and `to`, a trailing CR ignored): quoted or bare fields. */
export function parseCsvLine(text: string, from = 0, to = text.length): string[] {
  const end = text.charCodeAt(to - 1) === CR ? to - 1 : to;
  const out: string[] = [];
  let i = from;
  while (i <= end) {
    if (text.charCodeAt(i) === QUOTE) {
      let close = text.indexOf('"', i + 1);
      if (close < 0 || close >= end) close = end;
      let value = text.slice(i + 1, close);
      while (close < end - 1 && text.charCodeAt(close + 1) === QUOTE) {
        let next = text.indexOf('"', close + 2);
        if (next < 0 || next >= end) next = end;
        value += '"' + text.slice(close + 2, next);
        close = next;
      }
      out.push(value);
      i = close + 2; // past the quote and the comma
    } else {
      let comma = text.indexOf(',', i);
      if (comma < 0 || comma > end) comma = end;
      out.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
  return out;
}

const QUOTE = 34;
const CR = 13;
