/** A stream in pages: listings and inventories arrive in pages, and per-page awaits keep large diffs fast. */
export type Pages<T> = AsyncIterable<readonly T[]>;

/**
 * S3 orders keys by their UTF-8 bytes. JavaScript's `<` compares UTF-16 code units, which agrees except
 * when a surrogate pair meets a character in U+E000..U+FFFF; only then pay for the byte comparison.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  if (hasHighChar(a) || hasHighChar(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
}

function hasHighChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}

/** Refuses a stream out of key order rather than mis-diffing it. */
export function checkKeyOrder(side: string, previous: string | undefined, key: string): void {
  if (previous !== undefined && compareKeys(previous, key) >= 0) {
    throw new Error(
      `${side} listing is not in key order (${JSON.stringify(key)} after ${JSON.stringify(previous)}): sort the inventory by key first`,
    );
  }
}

/**
 * Reads one key's history at a time from a key-ordered paged stream. Within a page everything is synchronous;
 * it awaits only to read the next page, and refuses a stream out of key order rather than mis-diffing it.
 */
class KeyCursor<T extends { key: string }> {
  private readonly pages: AsyncIterator<readonly T[]>;
  private page: readonly T[] = [];
  private at = 0;
  private previous: string | undefined;
  private ended = false;

  constructor(
    source: Pages<T>,
    private readonly side: string,
  ) {
    this.pages = source[Symbol.asyncIterator]();
  }

  /** Whether an item is at hand without reading a page (true at the end too: `key` is then undefined). */
  get ready(): boolean {
    return this.at < this.page.length || this.ended;
  }

  /** Reads pages until an item is at hand or the stream ends (the only await). */
  async fill(): Promise<void> {
    while (this.at >= this.page.length && !this.ended) {
      const next = await this.pages.next();
      if (next.done) this.ended = true;
      else [this.page, this.at] = [next.value, 0];
    }
  }

  /** The key of the next history (the cursor must be `ready`), undefined at the end. */
  get key(): string | undefined {
    return this.page[this.at]?.key;
  }

  /**
   * The next key's history (the cursor must be `ready` and not at the end). Synchronous unless the history
   * runs on to the end of the page: then it returns a promise of the whole history, read across pages.
   */
  take(): T[] | Promise<T[]> {
    const key = this.page[this.at]!.key;
    checkKeyOrder(this.side, this.previous, key);
    this.previous = key;
    const items: T[] = [];
    while (this.at < this.page.length && this.page[this.at]!.key === key) items.push(this.page[this.at++]!);
    return this.at < this.page.length ? items : this.rest(key, items);
  }

  private async rest(key: string, items: T[]): Promise<T[]> {
    for (;;) {
      await this.fill();
      if (this.at >= this.page.length || this.page[this.at]!.key !== key) return items;
      while (this.at < this.page.length && this.page[this.at]!.key === key) items.push(this.page[this.at++]!);
      if (this.at < this.page.length) return items;
    }
  }
}

/** Groups a key-ordered paged stream into one history per key. */
export async function* byKey<T extends { key: string }>(source: Pages<T>): AsyncGenerator<[string, T[]]> {
  const cursor = new KeyCursor(source, 'the');
  for (;;) {
    if (!cursor.ready) await cursor.fill();
    const key = cursor.key;
    if (key === undefined) return;
    yield [key, await cursor.take()];
  }
}

// Small: a batch's versions then die young (batches of 1,000 keys doubled the GC threads' CPU on the 1M diff).
const BATCH_KEYS = 64;

export interface KeyPair<A, B> {
  key: string;
  left: A[];
  right: B[];
}

/**
 * Merges two key-ordered streams (a source bucket's history and its vault's) into one entry per key with
 * both sides' histories, either possibly empty, in batches of at most 64 keys: the merge awaits once per
 * page or batch, never per key. Only about a page per side and one batch are held in memory, so a diff of any
 * size runs in constant memory.
 */
export async function* zipByKey<A extends { key: string }, B extends { key: string }>(
  left: Pages<A>,
  right: Pages<B>,
): AsyncGenerator<KeyPair<A, B>[]> {
  const l = new KeyCursor(left, 'source');
  const r = new KeyCursor(right, 'vault');
  let batch: KeyPair<A, B>[] = [];
  for (;;) {
    // A history that ends a page makes `take` read the next one, so a cursor can stay ready page after page:
    // the batch is capped as well as flushed before a read.
    if (batch.length >= BATCH_KEYS || ((!l.ready || !r.ready) && batch.length > 0)) {
      yield batch;
      batch = [];
    }
    if (!l.ready || !r.ready) await Promise.all([l.fill(), r.fill()]);
    const a = l.key;
    const b = r.key;
    if (a === undefined && b === undefined) break;
    const order = a === undefined ? 1 : b === undefined ? -1 : compareKeys(a, b);
    const leftItems = order <= 0 ? l.take() : [];
    const rightItems = order >= 0 ? r.take() : [];
    batch.push({
      key: order <= 0 ? a! : b!,
      left: Array.isArray(leftItems) ? leftItems : await leftItems,
      right: Array.isArray(rightItems) ? rightItems : await rightItems,
    });
  }
  if (batch.length > 0) yield batch;
}
