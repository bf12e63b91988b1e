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

/**
 * Reads one key's history at a time from a key-ordered paged stream. It awaits only when a page runs out,
 * and refuses a stream out of key order rather than mis-diffing it.
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

  /** Whether an item is at hand, reading the next page when this one is used up (the only await). */
  private async fill(): Promise<boolean> {
    while (this.at >= this.page.length) {
      if (this.ended) return false;
      const next = await this.pages.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.page = next.value;
      this.at = 0;
    }
    return true;
  }

  /** The next key's history (consecutive items with one key), or undefined at the end. */
  async next(): Promise<{ key: string; items: T[] } | undefined> {
    if (!(await this.fill())) return undefined;
    const key = this.page[this.at]!.key;
    if (this.previous !== undefined && compareKeys(this.previous, key) >= 0) {
      throw new Error(
        `${this.side} listing is not in key order (${JSON.stringify(key)} after ${JSON.stringify(this.previous)}): sort the inventory by key first`,
      );
    }
    this.previous = key;
    const items: T[] = [];
    // A history may run on into the next page; within a page, no await per item.
    do {
      while (this.at < this.page.length && this.page[this.at]!.key === key) items.push(this.page[this.at++]!);
    } while (this.at >= this.page.length && (await this.fill()) && this.page[this.at]!.key === key);
    return { key, items };
  }
}

/** Groups a key-ordered paged stream into one history per key. */
export async function* byKey<T extends { key: string }>(source: Pages<T>): AsyncGenerator<[string, T[]]> {
  const cursor = new KeyCursor(source, 'the');
  for (let g = await cursor.next(); g; g = await cursor.next()) yield [g.key, g.items];
}

/**
 * Merges two key-ordered streams (a source bucket's history and its vault's) into one entry per key with
 * both sides' histories, either possibly empty. Only one key's history per side (and one page) is held in
 * memory, so a diff of any size runs in constant memory.
 */
export async function* zipByKey<A extends { key: string }, B extends { key: string }>(
  left: Pages<A>,
  right: Pages<B>,
): AsyncGenerator<{ key: string; left: A[]; right: B[] }> {
  const l = new KeyCursor(left, 'source');
  const r = new KeyCursor(right, 'vault');
  let a = await l.next();
  let b = await r.next();
  while (a || b) {
    const order = !a ? 1 : !b ? -1 : compareKeys(a.key, b.key);
    if (order === 0 && a && b) {
      yield { key: a.key, left: a.items, right: b.items };
      a = await l.next();
      b = await r.next();
    } else if (order < 0 && a) {
      yield { key: a.key, left: a.items, right: [] };
      a = await l.next();
    } else if (b) {
      yield { key: b.key, left: [], right: b.items };
      b = await r.next();
    }
  }
}
