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
    for await (const lines of linePages(stream)) {
      yield lines.map((line) => row(parseCsvLine(line)));
    }
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

/** The non-empty lines of a text stream, one array per chunk read (a line split across chunks is joined). */
async function* linePages(stream: Readable): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    yield lines.filter((l) => l !== '').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
  if (rest.trim() !== '') yield [rest.replace(/\r$/, '')];
}

/** Inventory CSV: every field double-quoted, quotes inside doubled. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) {
          value += line.slice(i);
          i = line.length;
          break;
        }
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      out.push(value);
      i++; // the comma
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
