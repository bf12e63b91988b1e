import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { bytesOf, CsvLine } from './inventory-csv.js';
import type { VaultVersion } from './verify-check.js';

/**
 * Rows of an S3 Inventory in columns: one byte buffer and a few typed arrays, so a batch crosses from a worker
 * thread to the diff as transferred buffers, not as thousands of cloned objects, and the diff compares most rows
 * without making a string or an object of them. A batch holds whole key histories: it ends only where a key does.
 */
export interface InventoryBatch {
  rows: number;
  /**
   * Row after row: the key (UTF-8, URL-decoded) on a row that starts one, then the row's version id, ETag
   * (unquoted) and lock mode.
   */
  bytes: Uint8Array<ArrayBuffer>;
  /** Per row, where in `bytes` its key, version id, ETag and lock mode end (the key ends where it starts on a row continuing a key). */
  ends: Uint32Array<ArrayBuffer>;
  /** Per row: size, LastModifiedDate and ObjectLockRetainUntilDate (ms since the epoch). */
  numbers: Float64Array<ArrayBuffer>;
  /** Per row: FNV-1a of the version id's bytes, so the diff proves most ids different without reading bytes. */
  hashes: Int32Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
}

export const NEW_KEY = 1;
export const DELETE_MARKER = 2;
export const HAS_RETAIN = 4;
/** A byte above 0x7f in the version id, ETag or lock mode: equal strings may then come from different bytes. */
export const NON_ASCII = 8;
/** Fields of a row in `ends`. */
export const KEY = 0;
export const VERSION = 1;
export const ETAG = 2;
export const MODE = 3;
export const FIELDS = 4;
/** Rows a batch is cut at (at the next key): small enough to die young, large enough to cost one await. */
export const BATCH_ROWS = 4096;

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
 * The rows of one inventory data file (CSV, gzipped or not) in batches, read 1 MiB at a time (a row split across
 * chunks is carried over), as bytes: no string per row or field (bench/RESULTS.md, verify). Several files of one
 * manifest are merged by key in `inventoryBatches` (inventory-merge.ts).
 */
export async function* fileBatches(
  columns: InventoryColumns,
  file: string,
  chunkBytes = 1 << 20,
): AsyncGenerator<InventoryBatch> {
  const line = new CsvLine(Math.max(...Object.values(columns)) + 1);
  const batch = new BatchBuilder(columns, line);
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  // zlib's default 16 KiB output chunks cost four times the CPU of 1 MiB ones (the stream's per-chunk work).
  const stream: Readable = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: chunkBytes })) : raw;
  let rest: Buffer | undefined;
  const rows = function* (buf: Buffer): Generator<InventoryBatch> {
    const end = buf.lastIndexOf(LF) + 1;
    for (let start = 0; start < end;) {
      if (buf[start] === LF) start++;
      else {
        start = line.read(buf, start) + 1;
        if (batch.add()) yield batch.take();
      }
    }
    rest = end < buf.length ? buf.subarray(end) : undefined;
  };
  try {
    for await (const chunk of stream)
      yield* rows(rest ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer));
    // The last line may lack its line feed.
    if (rest && rest.toString().trim() !== '') yield* rows(Buffer.concat([rest, NEWLINE]));
    if (batch.rows > 0) yield batch.take();
  } finally {
    // A merge reads a file's first key and leaves it: the file and its gunzip are closed at once (destroying the
    // gunzip alone would leave the file open, only unpiped).
    stream.destroy();
    raw.destroy();
  }
}

/** The growable buffers a batch is built in, by the parser here and by the merge of several files. */
export class BatchBuffers {
  rows = 0;
  protected length = 0;
  protected bytes = new Uint8Array(BATCH_ROWS * 96);
  protected ends = new Uint32Array(FIELDS * (BATCH_ROWS + 1));
  protected numbers = new Float64Array(3 * (BATCH_ROWS + 1));
  protected hashes = new Int32Array(BATCH_ROWS + 1);
  protected flags = new Uint8Array(BATCH_ROWS + 1);

  /** Room for `n` more bytes. */
  protected ensure(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(2 * this.bytes.length, this.length + n));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }

  /** Room for `n` more rows (a key with more versions than a batch holds makes its batch grow to all of them). */
  protected ensureRows(n: number): void {
    const need = this.rows + n;
    if (need <= this.flags.length) return;
    const capacity = Math.max(2 * this.flags.length, need);
    const ends = new Uint32Array(FIELDS * capacity);
    const numbers = new Float64Array(3 * capacity);
    const hashes = new Int32Array(capacity);
    const flags = new Uint8Array(capacity);
    ends.set(this.ends);
    numbers.set(this.numbers);
    hashes.set(this.hashes);
    flags.set(this.flags);
    [this.ends, this.numbers, this.hashes, this.flags] = [ends, numbers, hashes, flags];
  }

  /** The rows built so far as a batch with buffers of its own; building starts again from none. */
  protected cut(): InventoryBatch {
    const rows = this.rows;
    const batch: InventoryBatch = {
      rows,
      bytes: this.bytes.slice(0, this.length),
      ends: this.ends.slice(0, FIELDS * rows),
      numbers: this.numbers.slice(0, 3 * rows),
      hashes: this.hashes.slice(0, rows),
      flags: this.flags.slice(0, rows),
    };
    this.rows = 0;
    this.length = 0;
    return batch;
  }
}

class BatchBuilder extends BatchBuffers {
  /** The previous row's key bytes (it may sit in a batch already taken). */
  private key = new Uint8Array(256);
  private keyLength = -1;
  /** Whether the previous key's bytes are its raw bytes in the inventory (no URL-decoding needed). */
  private keyPlain = false;
  /** A row read while the batch was full, added to the next one. */
  private held = false;

  constructor(
    private readonly ix: InventoryColumns,
    private readonly line: CsvLine,
  ) {
    super();
  }

  /**
   * Adds the row just read by the line reader; true when the batch is full and must be taken first (the row is
   * then held and goes into the next batch: a batch ends only where a key does).
   */
  add(): boolean {
    const { line, ix } = this;
    // Most rows continue the previous row's key: equal raw bytes prove it without writing the key again.
    if (this.keyPlain && line.equals(ix.key, this.key, this.keyLength)) {
      this.finish(false);
      return false;
    }
    const keyStart = this.length;
    const plain = this.putKey();
    const newKey = !this.sameKey(keyStart);
    if (!newKey || this.rows >= BATCH_ROWS) this.length = keyStart;
    if (newKey && this.rows >= BATCH_ROWS) {
      this.held = true;
      return true;
    }
    if (newKey) this.rememberKey(keyStart, plain);
    this.finish(newKey);
    return false;
  }

  /** The rest of a row (its key, if new, just written): version id, ETag, lock mode, numbers and flags. */
  private finish(newKey: boolean): void {
    const { line, ix } = this;
    this.ensureRows(1);
    const r = this.rows;
    const e = FIELDS * r;
    this.ends[e + KEY] = this.length;
    let flags = newKey ? NEW_KEY : 0;
    const versionStart = this.length;
    if (line.empty(ix.version)) this.putBytes(NULL_VERSION);
    else flags |= this.putField(ix.version);
    this.ends[e + VERSION] = this.length;
    this.hashes[r] = fnv1a(this.bytes, versionStart, this.length);
    if (!line.empty(ix.etag)) flags |= this.putField(ix.etag);
    this.ends[e + ETAG] = this.length;
    if (!line.empty(ix.mode)) flags |= this.putField(ix.mode);
    this.ends[e + MODE] = this.length;
    if (line.equals(ix.marker, TRUE)) flags |= DELETE_MARKER;
    const retain = !line.empty(ix.retain);
    if (retain) flags |= HAS_RETAIN;
    const n = 3 * r;
    this.numbers[n] = line.number(ix.size);
    this.numbers[n + 1] = line.date(ix.modified);
    this.numbers[n + 2] = retain ? line.date(ix.retain) : NaN;
    this.flags[r] = flags;
    this.rows++;
  }

  /**
   * Writes the row's key at `bytes[length]` on: its raw bytes when they are its text (true), else the UTF-8
   * of it URL-decoded.
   */
  private putKey(): boolean {
    const { line, ix } = this;
    if (line.empty(ix.key)) return true;
    const [from, to] = [line.start(ix.key), line.end(ix.key)];
    this.ensure(to - from);
    const buf = line.buf;
    const bytes = this.bytes;
    let at = this.length;
    for (let i = from; i < to && !line.isEscaped(ix.key); i++) {
      const c = buf[i]!;
      if (c === PERCENT || c === PLUS || c > 0x7f) break;
      bytes[at++] = c;
    }
    if (at - this.length === to - from) {
      this.length = at;
      return true;
    }
    this.putBytes(bytesOf(decodeKey(line.text(ix.key))));
    return false;
  }

  /** Whether the key just written at `bytes[start, length)` is the previous row's. */
  private sameKey(start: number): boolean {
    const n = this.length - start;
    if (n !== this.keyLength) return false;
    for (let i = 0; i < n; i++) if (this.bytes[start + i] !== this.key[i]) return false;
    return true;
  }

  private rememberKey(start: number, plain: boolean): void {
    const n = this.length - start;
    if (n > this.key.length) this.key = new Uint8Array(2 * n);
    this.key.set(this.bytes.subarray(start, this.length));
    this.keyLength = n;
    this.keyPlain = plain;
  }

  /** Copies field `f` (quotes unescaped); NON_ASCII if a byte needs it. */
  private putField(f: number): number {
    const line = this.line;
    if (line.isEscaped(f)) return this.putBytes(bytesOf(line.text(f)));
    const [from, to] = [line.start(f), line.end(f)];
    this.ensure(to - from);
    const buf = line.buf;
    const bytes = this.bytes;
    let at = this.length;
    let high = 0;
    for (let i = from; i < to; i++) high |= bytes[at++] = buf[i]!;
    this.length = at;
    return high > 0x7f ? NON_ASCII : 0;
  }

  private putBytes(b: Uint8Array): number {
    this.ensure(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return b.some((c) => c > 0x7f) ? NON_ASCII : 0;
  }

  take(): InventoryBatch {
    const batch = this.cut();
    if (this.held) {
      // The held row is still in the line reader; its key was not kept: write it again, first in this batch.
      this.held = false;
      this.rememberKey(0, this.putKey());
      this.finish(true);
    }
    return batch;
  }
}

/** Row `r`'s field (KEY, VERSION, ETAG or MODE) as [start, end) in `bytes`. */
export function fieldOf(batch: InventoryBatch, r: number, field: number): [number, number] {
  const e = FIELDS * r + field;
  return [e === 0 ? 0 : batch.ends[e - 1]!, batch.ends[e]!];
}

/** Text of `batch.bytes[start, end)`. */
export function textOf(batch: InventoryBatch, [start, end]: [number, number]): string {
  return Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength).toString(
    'utf8',
    start,
    end,
  );
}

/** Rows `from` to `to` of a batch (`from` starting a key) as vault-side versions (the source side uses the same fields). */
export function versionsOf(batch: InventoryBatch, from = 0, to = batch.rows): VaultVersion[] {
  const { numbers, flags } = batch;
  const out: VaultVersion[] = [];
  let key = '';
  let mode = '';
  for (let r = from; r < to; r++) {
    const f = flags[r]!;
    if (f & NEW_KEY) key = textOf(batch, fieldOf(batch, r, KEY));
    const versionId = textOf(batch, fieldOf(batch, r, VERSION));
    const etag = fieldOf(batch, r, ETAG);
    const lock = fieldOf(batch, r, MODE);
    // Lock modes repeat row after row: reuse the string instead of making one per row.
    if (lock[1] > lock[0] && mode !== textOf(batch, lock)) mode = textOf(batch, lock);
    out.push({
      key,
      versionId,
      sourceVersionId: versionId,
      deleteMarker: (f & DELETE_MARKER) !== 0,
      size: numbers[3 * r]!,
      lastModified: new Date(numbers[3 * r + 1]!),
      etag: etag[1] > etag[0] ? `"${textOf(batch, etag)}"` : undefined,
      retainUntil: f & HAS_RETAIN ? new Date(numbers[3 * r + 2]!) : undefined,
      lockMode: lock[1] > lock[0] ? mode : undefined,
    });
  }
  return out;
}

/** 32-bit FNV-1a of `b[from, to)`. */
export function fnv1a(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

/** Inventory URL-encodes keys, with '+' for a space. */
function decodeKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, '%20'));
}

const LF = 10;
const NEWLINE = Buffer.from('\n');
const PERCENT = 37;
const PLUS = 43;
const TRUE = bytesOf('true');
const NULL_VERSION = bytesOf('null');
