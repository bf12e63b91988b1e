import { describe, expect, it } from 'vitest';
import { compareKeys, zipByKey } from './key-merge.js';

/** Items in pages of two, so key histories straddle page boundaries. */
async function* pages<T>(items: T[]) {
  for (let i = 0; i < items.length; i += 2) yield items.slice(i, i + 2);
}
const rows = (...keys: string[]) => keys.map((key, i) => ({ key, n: i }));

describe('key merge (pure)', () => {
  it('pairs both histories per key, across page boundaries, and keeps keys present on one side only', async () => {
    const out: string[] = [];
    for await (const batch of zipByKey(pages(rows('a', 'a', 'a', 'c', 'd')), pages(rows('b', 'c', 'c', 'e'))))
      for (const e of batch) out.push(`${e.key}:${e.left.length}/${e.right.length}`);
    expect(out).toEqual(['a:3/0', 'b:0/1', 'c:1/2', 'd:1/0', 'e:0/1']);
  });

  it('keeps batches bounded when every history ends a page (memory stays flat)', async () => {
    // Pages of 4,000 items, 4 per key: each page ends a history, so the cursors never run dry between pages.
    async function* aligned() {
      for (let p = 0; p < 3; p++)
        yield Array.from({ length: 4000 }, (_, i) => ({
          key: String(p * 1000 + Math.floor(i / 4)).padStart(6, '0'),
        }));
    }
    const sizes: number[] = [];
    for await (const batch of zipByKey(aligned(), aligned())) sizes.push(batch.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64);
  });

  it('refuses a stream out of key order instead of mis-diffing it', async () => {
    const run = async () => {
      for await (const e of zipByKey(pages(rows('b', 'a')), pages(rows()))) void e;
    };
    await expect(run()).rejects.toThrow(/source listing is not in key order/);
  });

  it('orders keys by UTF-8 bytes as S3 does, also beyond the BMP', () => {
    expect(compareKeys('a', 'b')).toBeLessThan(0);
    // U+FF61 sorts before U+1F600 in UTF-8, after it in UTF-16 code units.
    expect(compareKeys('\uff61', '\u{1f600}')).toBeLessThan(0);
  });
});
