import { isWorkloadKey } from './canary.js';
import { inventoryBatchStream } from './inventory.js';
import {
  DELETE_MARKER,
  ETAG,
  FIELDS,
  HAS_RETAIN,
  KEY,
  MODE,
  NEW_KEY,
  NON_ASCII,
  VERSION,
  versionsOf,
  type InventoryBatch,
} from './inventory-batch.js';
import { bytesOf } from './inventory-csv.js';
import { checkKeyOrder, compareKeys } from './key-merge.js';
import {
  checkKey,
  DAY_MS,
  RETENTION_SLACK_MS,
  Tally,
  type DiffTotals,
  type VerifyPolicy,
} from './verify-check.js';

/**
 * Diffs a source bucket's S3 Inventory against its vault's, as `diffHistories` does over versions, with the same
 * report, but over the columnar batches as they come from the parsers: a key whose every version is proven in
 * order (the copy there, same size and ETag, retention long enough, nothing unexpected) is counted from the
 * batches' bytes and numbers; only a key with something to report (or out of the common shape) is made into
 * versions and given to `checkKey`. That keeps a 10M-row diff free of per-row objects and strings.
 */
export async function diffInventories(
  sourceManifest: string,
  vaultManifest: string,
  policy: VerifyPolicy,
  opts: { thread?: boolean; keep?: number } = {},
): Promise<DiffTotals> {
  const tally = new Tally(opts.keep ?? 1000);
  const limits: Limits = {
    windowStart: policy.windowStart.getTime(),
    retentionDays: policy.retentionDays,
    mode: bytesOf(policy.mode),
  };
  const s = new HistoryCursor(inventoryBatchStream(sourceManifest, opts), 'source');
  const v = new HistoryCursor(inventoryBatchStream(vaultManifest, opts), 'vault');
  try {
    await Promise.all([s.load(), v.load()]);
    for (;;) {
      const a = s.key;
      const b = v.key;
      if (a === undefined && b === undefined) break;
      const order = a === undefined ? 1 : b === undefined ? -1 : compareKeys(a, b);
      const key = order <= 0 ? a! : b!;
      // The status canary is proven by status itself; counted here it would read as workload.
      if (isWorkloadKey(key)) {
        const sFrom = order <= 0 ? s.from : 0;
        const sTo = order <= 0 ? s.to : 0;
        const vFrom = order >= 0 ? v.from : 0;
        const vTo = order >= 0 ? v.to : 0;
        const verified = cleanVerified(s.batch, sFrom, sTo, v.batch, vFrom, vTo, limits);
        if (verified >= 0) tally.addVerified(verified);
        else {
          const source = versionsOf(s.batch, sFrom, sTo);
          const vault = versionsOf(v.batch, vFrom, vTo);
          tally.add(checkKey(key, source, vault, policy));
        }
      }
      // Within a batch the walk is synchronous: it awaits once per batch, never per key.
      if (order <= 0 && !s.advance()) await s.load();
      if (order >= 0 && !v.advance()) await v.load();
    }
  } finally {
    await Promise.all([s.close(), v.close()]);
  }
  return tally.done();
}

interface Limits {
  windowStart: number;
  retentionDays: number;
  mode: Uint8Array;
}

const EMPTY: InventoryBatch = {
  rows: 0,
  bytes: new Uint8Array(0),
  ends: new Uint32Array(0),
  numbers: new Float64Array(0),
  hashes: new Int32Array(0),
  flags: new Uint8Array(0),
};

/** One side's key at hand: the rows `from` to `to` of its batch (a batch holds whole histories). */
class HistoryCursor {
  private readonly batches: AsyncIterator<InventoryBatch>;
  batch = EMPTY;
  from = 0;
  to = 0;
  key: string | undefined;
  private text = Buffer.alloc(0);

  constructor(
    batches: AsyncIterable<InventoryBatch>,
    private readonly side: string,
  ) {
    this.batches = batches[Symbol.asyncIterator]();
  }

  /** Moves to the next key in this batch; false when the batch is used up (then `load`). */
  advance(): boolean {
    const { rows, flags } = this.batch;
    this.from = this.to;
    if (this.from >= rows) return false;
    let to = this.from + 1;
    while (to < rows && (flags[to]! & NEW_KEY) === 0) to++;
    this.to = to;
    const e = FIELDS * this.from + KEY;
    const key = this.text.toString('utf8', e === 0 ? 0 : this.batch.ends[e - 1], this.batch.ends[e]);
    checkKeyOrder(this.side, this.key, key);
    this.key = key;
    return true;
  }

  /** Reads batches until a key is at hand; `key` is undefined at the end. */
  async load(): Promise<void> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done) {
        [this.batch, this.from, this.to, this.key] = [EMPTY, 0, 0, undefined];
        return;
      }
      this.batch = next.value;
      const { bytes } = this.batch;
      this.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.to = 0;
      if (this.advance()) return;
    }
  }

  async close(): Promise<void> {
    await this.batches.return?.();
  }
}

/**
 * The versions verified of one key, from the rows alone, when checkKey would report nothing for it: every
 * source version in the window has its first vault copy (by version id) with the same size and ETag, locked in
 * the policy's mode long enough, and every vault version in the window copies a source version. Anything else
 * (a finding, a pending version, a long history, non-ASCII bytes where equal text could come from different
 * bytes) returns -1, and the key goes to checkKey. Ids are compared by hash, a hash match confirmed by bytes.
 */
function cleanVerified(
  s: InventoryBatch,
  sFrom: number,
  sTo: number,
  v: InventoryBatch,
  vFrom: number,
  vTo: number,
  limits: Limits,
): number {
  if (sTo - sFrom > MAX_ROWS || vTo - vFrom > MAX_ROWS) return -1;
  for (let r = sFrom; r < sTo; r++) if (s.flags[r]! & NON_ASCII) return -1;
  for (let c = vFrom; c < vTo; c++) if (v.flags[c]! & NON_ASCII) return -1;
  let verified = 0;
  // Vault rows found as copies (a bit each), so the search for their source is not made again.
  let copies = 0;
  for (let r = sFrom; r < sTo; r++) {
    if (s.flags[r]! & DELETE_MARKER || s.numbers[3 * r + 1]! < limits.windowStart) continue;
    const c = firstCopy(s, r, v, vFrom, vTo);
    if (c < 0 || s.numbers[3 * r] !== v.numbers[3 * c]) return -1;
    copies |= 1 << (c - vFrom);
    if (length(s, r, ETAG) > 0 && length(v, c, ETAG) > 0 && !sameBytes(s, r, v, c, ETAG)) return -1;
    if ((v.flags[c]! & HAS_RETAIN) === 0 || !isMode(v, c, limits.mode)) return -1;
    // The same sum as checkKey's, in the same order, so the same float.
    const required = v.numbers[3 * c + 1]! + limits.retentionDays * DAY_MS - RETENTION_SLACK_MS;
    if (v.numbers[3 * c + 2]! < required) return -1;
    verified++;
  }
  for (let c = vFrom; c < vTo; c++) {
    if (v.flags[c]! & DELETE_MARKER || v.numbers[3 * c + 1]! < limits.windowStart) continue;
    if ((copies & (1 << (c - vFrom))) === 0 && !inSource(v, c, s, sFrom, sTo)) return -1;
  }
  return verified;
}

/** Rows of a key's history on either side the walk takes (a bit each in a 32-bit mask); longer ones go to checkKey. */
const MAX_ROWS = 32;

/** The first vault row (not a delete marker) holding source row `r`'s version id, -1 if none. */
function firstCopy(s: InventoryBatch, r: number, v: InventoryBatch, from: number, to: number): number {
  const hash = s.hashes[r];
  for (let c = from; c < to; c++) {
    if (v.flags[c]! & DELETE_MARKER || v.hashes[c] !== hash) continue;
    if (sameBytes(s, r, v, c, VERSION)) return c;
  }
  return -1;
}

/** Whether any source row (delete markers included) has vault row `c`'s version id. */
function inSource(v: InventoryBatch, c: number, s: InventoryBatch, from: number, to: number): boolean {
  const hash = v.hashes[c];
  for (let r = from; r < to; r++) if (s.hashes[r] === hash && sameBytes(s, r, v, c, VERSION)) return true;
  return false;
}

function start(b: InventoryBatch, r: number, field: number): number {
  const e = FIELDS * r + field;
  return e === 0 ? 0 : b.ends[e - 1]!;
}

function length(b: InventoryBatch, r: number, field: number): number {
  return b.ends[FIELDS * r + field]! - start(b, r, field);
}

function sameBytes(a: InventoryBatch, r: number, b: InventoryBatch, c: number, field: number): boolean {
  const n = length(a, r, field);
  if (n !== length(b, c, field)) return false;
  const i = start(a, r, field);
  const j = start(b, c, field);
  for (let k = 0; k < n; k++) if (a.bytes[i + k] !== b.bytes[j + k]) return false;
  return true;
}

/** Whether vault row `c` has a lock mode, and it is `mode`. */
function isMode(b: InventoryBatch, c: number, mode: Uint8Array): boolean {
  const n = length(b, c, MODE);
  if (n === 0 || n !== mode.length) return false;
  const i = start(b, c, MODE);
  for (let k = 0; k < mode.length; k++) if (b.bytes[i + k] !== mode[k]) return false;
  return true;
}
