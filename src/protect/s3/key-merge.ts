import { byKey } from './versions.js';

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
 * Merges two key-ordered streams (a source bucket's history and its vault's) into one entry per key with
 * both sides' histories, either possibly empty. Only one key's history per side is held in memory, so a
 * diff of any size runs in constant memory. A stream out of key order is an error, not a silent mis-diff.
 */
export async function* zipByKey<A extends { key: string }, B extends { key: string }>(
  left: AsyncIterable<A>,
  right: AsyncIterable<B>,
): AsyncGenerator<{ key: string; left: A[]; right: B[] }> {
  const l = ordered(byKey(left), 'source')[Symbol.asyncIterator]();
  const r = ordered(byKey(right), 'vault')[Symbol.asyncIterator]();
  let a = await l.next();
  let b = await r.next();
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : compareKeys(a.value[0], b.value[0]);
    if (order === 0 && !a.done && !b.done) {
      yield { key: a.value[0], left: a.value[1], right: b.value[1] };
      [a, b] = await Promise.all([l.next(), r.next()]);
    } else if (order < 0 && !a.done) {
      yield { key: a.value[0], left: a.value[1], right: [] };
      a = await l.next();
    } else if (!b.done) {
      yield { key: b.value[0], left: [], right: b.value[1] };
      b = await r.next();
    }
  }
}

async function* ordered<T>(
  groups: AsyncIterable<[string, T[]]>,
  side: string,
): AsyncGenerator<[string, T[]]> {
  let previous: string | undefined;
  for await (const group of groups) {
    if (previous !== undefined && compareKeys(previous, group[0]) >= 0) {
      throw new Error(
        `${side} listing is not in key order (${JSON.stringify(group[0])} after ${JSON.stringify(previous)}): sort the inventory by key first`,
      );
    }
    previous = group[0];
    yield group;
  }
}
