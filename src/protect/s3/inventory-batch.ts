import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { VaultVersion } from './verify-check.js';

/**
 * Rows of an S3 Inventory in columns: a few typed arrays and one string per batch, so a batch crosses from a
 * worker thread to the diff as three transferred buffers and one string copy, not as thousands of cloned
 * objects. Dates are epoch milliseconds (Date.parse, no Date per row until a version is made of it).
 */
export interface InventoryBatch {
  rows: number;
  /** One after another: the key where a new key starts, then each row's version id, quoted ETag and lock mode. */
  text: string;
  /** End offset in `text` of each of those strings, in order. */
  ends: Uint32Array<ArrayBuffer>;
  /** Per row: size, LastModifiedDate and ObjectLockRetainUntilDate (ms since the epoch). */
  numbers: Float64Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
}

const NEW_KEY = 1;
const DELETE_MARKER = 2;
const HAS_ETAG = 4;
const HAS_RETAIN = 8;
const HAS_MODE = 16;
const BATCH_ROWS = 4096;

/** Where the fields a version needs sit in a row (-1: the inventory has no such column). */
export interface InventoryColumns {
  key: number;
  version: number;
  marker: number;
  size: number;
  modified: number;
  etag: number;
  retain: number;
  mode: number;
}

export function inventoryColumns(schema: string[]): InventoryColumns {
  const at = (name: string) => schema.indexOf(name);
  return {
    key: at('Key'),
    version: at('VersionId'),
    marker: at('IsDeleteMarker'),
    size: at('Size'),
    modified: at('LastModifiedDate'),
    etag: at('ETag'),
    retain: at('ObjectLockRetainUntilDate'),
    mode: at('ObjectLockMode'),
  };
}

/**
 * The rows of inventory data files (CSV, gzipped or not) in batches, read 1 MiB at a time (a row split across
 * chunks is carried over). Hand-written for the one dialect S3 Inventory writes (every field double-quoted,
 * quotes inside doubled, no line breaks inside fields: keys are URL-encoded): scanning each chunk with indexOf
 * is 3-6 times faster than csv-parse or papaparse on the same file (bench/RESULTS.md, verify).
 */
export async function* inventoryBatches(
  columns: InventoryColumns,
  files: string[],
): AsyncGenerator<InventoryBatch> {
  const batch = new BatchBuilder(columns);
  for (const file of files) {
    let stream: Readable = createReadStream(file, { highWaterMark: 1 << 20 });
    if (file.endsWith('.gz')) stream = stream.pipe(createGunzip());
    let rest = '';
    for await (const chunk of stream) {
      const text = rest + (chunk as Buffer).toString('utf8');
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
        if (end === start) continue;
        batch.add(parseCsvLine(text, start, end));
        if (batch.full) yield batch.take();
      }
      rest = text.slice(start);
    }
    if (rest.trim() !== '') batch.add(parseCsvLine(rest));
    if (batch.full) yield batch.take();
  }
  if (batch.rows > 0) yield batch.take();
}

class BatchBuilder {
  rows = 0;
  private strings: string[] = [];
  private length = 0;
  private ends = new Uint32Array(4 * BATCH_ROWS);
  private numbers = new Float64Array(3 * BATCH_ROWS);
  private flags = new Uint8Array(BATCH_ROWS);
  private key: string | undefined;

  constructor(private readonly ix: InventoryColumns) {}

  get full(): boolean {
    return this.rows === BATCH_ROWS;
  }

  add(row: string[]): void {
    const ix = this.ix;
    const key = decodeKey(row[ix.key] ?? '');
    let flags = 0;
    if (key !== this.key || this.rows === 0) {
      flags |= NEW_KEY;
      this.push(key);
      this.key = key;
    }
    this.push(row[ix.version] || 'null');
    if (row[ix.marker] === 'true') flags |= DELETE_MARKER;
    const etag = ix.etag >= 0 ? row[ix.etag] : undefined;
    if (etag) {
      flags |= HAS_ETAG;
      this.push(`"${etag}"`);
    }
    const retain = ix.retain >= 0 ? row[ix.retain] : undefined;
    if (retain) flags |= HAS_RETAIN;
    const mode = ix.mode >= 0 ? row[ix.mode] : undefined;
    if (mode) {
      flags |= HAS_MODE;
      this.push(mode);
    }
    const n = 3 * this.rows;
    this.numbers[n] = Number(row[ix.size] || 0);
    this.numbers[n + 1] = Date.parse(row[ix.modified] ?? '');
    this.numbers[n + 2] = retain ? Date.parse(retain) : NaN;
    this.flags[this.rows++] = flags;
  }

  private push(s: string): void {
    this.length += s.length;
    this.ends[this.strings.length] = this.length;
    this.strings.push(s);
  }

  take(): InventoryBatch {
    const batch: InventoryBatch = {
      rows: this.rows,
      text: this.strings.join(''),
      ends: this.ends.slice(0, this.strings.length),
      numbers: this.numbers.slice(0, 3 * this.rows),
      flags: this.flags.slice(0, this.rows),
    };
    this.rows = 0;
    this.strings = [];
    this.length = 0;
    return batch;
  }
}

/** A batch as vault-side versions (the source side uses the same fields). */
export function versionsOf(batch: InventoryBatch): VaultVersion[] {
  const { text, ends, numbers, flags } = batch;
  const out: VaultVersion[] = new Array<VaultVersion>(batch.rows);
  let s = 0;
  let from = 0;
  const next = () => text.slice(from, (from = ends[s++]!));
  let key = '';
  let mode = '';
  for (let i = 0; i < batch.rows; i++) {
    const f = flags[i]!;
    if (f & NEW_KEY) key = next();
    const versionId = next();
    const etag = f & HAS_ETAG ? next() : undefined;
    let lockMode: string | undefined;
    if (f & HAS_MODE) {
      // Lock modes repeat row after row: reuse the string instead of slicing one per row.
      const end = ends[s++]!;
      if (end - from !== mode.length || !text.startsWith(mode, from)) mode = text.slice(from, end);
      from = end;
      lockMode = mode;
    }
    out[i] = {
      key,
      versionId,
      sourceVersionId: versionId,
      deleteMarker: (f & DELETE_MARKER) !== 0,
      size: numbers[3 * i]!,
      lastModified: new Date(numbers[3 * i + 1]!),
      etag,
      retainUntil: f & HAS_RETAIN ? new Date(numbers[3 * i + 2]!) : undefined,
      lockMode,
    };
  }
  return out;
}

/** Inventory URL-encodes keys, with '+' for a space; most keys need neither, so skip the decoding then. */
function decodeKey(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  return decodeURIComponent(raw.replace(/\+/g, '%20'));
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
