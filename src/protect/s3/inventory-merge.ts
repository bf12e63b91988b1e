import {
  BATCH_ROWS,
  BatchBuffers,
  fieldOf,
  fileBatches,
  FIELDS,
  KEY,
  MODE,
  NEW_KEY,
  VERSION,
  ETAG,
  type InventoryBatch,
  type InventoryColumns,
} from './inventory-batch.js';

/** Bytes read (and inflated) at a time from each file of a merge, where several may be open at once. */
const MERGE_CHUNK = 256 * 1024;

/**
 * The rows of an inventory's data files as one stream in key order, each key's history whole in one batch.
 * S3 documents no order of the data files of a manifest relative to each other; each file's rows must be in key
 * order (the diff refuses a stream that is not, naming the key), and the files are merged by key:
 * - each file's first key is read first (its first batch, then the file is closed again), and the files are taken
 *   in that order;
 * - a file is opened only once the merge reaches its first key, and closed at its end, so only files whose key
 *   ranges overlap are open together: files of disjoint ranges (the usual case) are read one at a time, their
 *   batches passed on as parsed, and memory does not grow with the number of files or rows;
 * - a key whose history runs on into another file gets the rows of both in one history.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 */
export async function* inventoryBatches(
  columns: InventoryColumns,
  files: string[],
): AsyncGenerator<InventoryBatch> {
  if (files.length === 1) {
    yield* fileBatches(columns, files[0]!);
    return;
  }
  const pending: { file: string; first: Uint8Array }[] = [];
  for (const file of files) {
    const first = await firstKey(columns, file);
    if (first) pending.push({ file, first });
  }
  pending.sort((a, b) => Buffer.compare(a.first, b.first));
  const open = new CursorHeap();
  const out = new BatchWriter();
  try {
    for (;;) {
      // Every file whose first key is not after the smallest key at hand may hold the next key.
      while (
        pending.length > 0 &&
        (open.size === 0 || Buffer.compare(pending[0]!.first, open.top!.key) <= 0)
      ) {
        const cursor = new FileCursor(fileBatches(columns, pending.shift()!.file, MERGE_CHUNK));
        if (await cursor.load()) open.push(cursor);
      }
      const top = open.pop();
      if (!top) break;
      const bound = smaller(open.top?.key, pending[0]?.first);
      const run = top.runBelow(bound);
      if (run > top.row) {
        // Keys no other file holds: passed on whole when the run is the whole batch, else copied.
        if (top.row === 0 && run === top.batch.rows) {
          if (out.rows > 0) yield out.take();
          yield top.batch;
        } else out.addRows(top.batch, top.row, run);
        if (await top.skipTo(run)) open.push(top);
      } else {
        // The key at hand is in other files too: one history of all their rows of it.
        const key = top.key.slice();
        out.addHistory(top.batch, top.row, top.end, true);
        if (await top.skipTo(top.end)) open.push(top);
        while (open.size > 0 && Buffer.compare(open.top!.key, key) === 0) {
          const same = open.pop()!;
          out.addHistory(same.batch, same.row, same.end, false);
          if (await same.skipTo(same.end)) open.push(same);
        }
      }
      if (out.rows >= BATCH_ROWS) yield out.take();
    }
    if (out.rows > 0) yield out.take();
  } finally {
    await Promise.all(open.all().map((c) => c.close()));
  }
}

/** The first key of a data file (a copy), undefined for a file without rows. */
async function firstKey(columns: InventoryColumns, file: string): Promise<Uint8Array | undefined> {
  for await (const batch of fileBatches(columns, file, MERGE_CHUNK)) {
    const [start, end] = fieldOf(batch, 0, KEY);
    return batch.bytes.slice(start, end);
  }
  return undefined;
}

function smaller(a: Uint8Array | undefined, b: Uint8Array | undefined): Uint8Array | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Buffer.compare(a, b) <= 0 ? a : b;
}

/** One data file's batches, at one key's history: rows `row` to `end` of `batch`, whose key is `key`. */
class FileCursor {
  private readonly batches: AsyncIterator<InventoryBatch>;
  batch!: InventoryBatch;
  row = 0;
  end = 0;
  key: Uint8Array = new Uint8Array(0);

  constructor(batches: AsyncIterable<InventoryBatch>) {
    this.batches = batches[Symbol.asyncIterator]();
  }

  /** Reads the next batch and stands at its first history; false at the end of the file. */
  async load(): Promise<boolean> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done) return false;
      this.batch = next.value;
      if (this.at(0)) return true;
    }
  }

  /** Stands at the history starting at row `row` (a NEW_KEY row or the batch's end); false at the batch's end. */
  private at(row: number): boolean {
    const { rows, flags } = this.batch;
    this.row = row;
    if (row >= rows) return false;
    let end = row + 1;
    while (end < rows && (flags[end]! & NEW_KEY) === 0) end++;
    this.end = end;
    const [start, stop] = fieldOf(this.batch, row, KEY);
    this.key = this.batch.bytes.subarray(start, stop);
    return true;
  }

  /** Moves to row `row`, reading the next batch past this one's end; false at the end of the file. */
  async skipTo(row: number): Promise<boolean> {
    return this.at(row) || this.load();
  }

  /**
   * Where the run of histories from the one at hand whose keys are below `bound` ends (all of the batch when its
   * last key is below it): the rows that can go on without looking at other files.
   */
  runBelow(bound: Uint8Array | undefined): number {
    const { rows, flags, bytes } = this.batch;
    if (bound === undefined) return rows;
    let last = rows - 1;
    while ((flags[last]! & NEW_KEY) === 0) last--;
    const keyOf = (r: number) => {
      const [start, end] = fieldOf(this.batch, r, KEY);
      return bytes.subarray(start, end);
    };
    if (Buffer.compare(keyOf(last), bound) < 0) return rows;
    let r = this.row;
    while (r < rows && Buffer.compare(keyOf(r), bound) < 0) {
      r++;
      while (r < rows && (flags[r]! & NEW_KEY) === 0) r++;
    }
    return r;
  }

  async close(): Promise<void> {
    await this.batches.return?.();
  }
}

/** The open files by the key at hand, smallest first (a binary heap: many files may overlap). */
class CursorHeap {
  private readonly items: FileCursor[] = [];

  get size(): number {
    return this.items.length;
  }

  get top(): FileCursor | undefined {
    return this.items[0];
  }

  all(): FileCursor[] {
    return [...this.items];
  }

  push(cursor: FileCursor): void {
    const items = this.items;
    let i = items.push(cursor) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (Buffer.compare(items[parent]!.key, cursor.key) <= 0) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = cursor;
  }

  pop(): FileCursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length && Buffer.compare(items[right]!.key, items[left]!.key) < 0 ? right : left;
      if (Buffer.compare(items[child]!.key, last.key) >= 0) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Builds a batch from rows of other batches (the layout of `InventoryBatch`, offsets rebased). */
class BatchWriter extends BatchBuffers {
  /** Rows `from` (starting a history) to `to` of `b`, as they are. */
  addRows(b: InventoryBatch, from: number, to: number): void {
    const start = fieldOf(b, from, KEY)[0];
    const stop = b.ends[FIELDS * to - 1]!;
    this.ensure(stop - start);
    this.ensureRows(to - from);
    const shift = this.length - start;
    this.bytes.set(b.bytes.subarray(start, stop), this.length);
    this.length += stop - start;
    const at = this.rows;
    for (let i = FIELDS * from, o = FIELDS * at; i < FIELDS * to; i++, o++) this.ends[o] = b.ends[i]! + shift;
    this.numbers.set(b.numbers.subarray(3 * from, 3 * to), 3 * at);
    this.hashes.set(b.hashes.subarray(from, to), at);
    this.flags.set(b.flags.subarray(from, to), at);
    this.rows += to - from;
  }

  /**
   * One key's rows `from` to `to` of `b`: starting the key's history here (`first`, with its key), or going on
   * with the history just added (without the key, which the history's first row holds).
   */
  addHistory(b: InventoryBatch, from: number, to: number, first: boolean): void {
    if (first) {
      this.addRows(b, from, to);
      return;
    }
    // Row `from` holds the key: its other fields go, the key left out, then the rest as they are.
    const keyEnd = fieldOf(b, from, KEY)[1];
    const e = FIELDS * from;
    this.ensure(b.ends[e + MODE]! - keyEnd);
    this.ensureRows(1);
    const o = FIELDS * this.rows;
    const shift = this.length - keyEnd;
    this.bytes.set(b.bytes.subarray(keyEnd, b.ends[e + MODE]), this.length);
    this.ends[o + KEY] = this.length;
    for (const field of [VERSION, ETAG, MODE]) this.ends[o + field] = b.ends[e + field]! + shift;
    this.length = this.ends[o + MODE]!;
    this.numbers.set(b.numbers.subarray(3 * from, 3 * from + 3), 3 * this.rows);
    this.hashes[this.rows] = b.hashes[from]!;
    this.flags[this.rows] = b.flags[from]! & ~NEW_KEY;
    this.rows++;
    if (to > from + 1) this.addRows(b, from + 1, to);
  }

  take(): InventoryBatch {
    return this.cut();
  }
}
