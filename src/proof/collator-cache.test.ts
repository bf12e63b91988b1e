import { describe, expect, it } from 'vitest';
import { withCachedCollators } from './collator-cache.js';

const PAIRS: [string, string][] = [
  ['arn:aws:s3:::Bucket', 'ARN:AWS:S3:::bucket'],
  ['s3:GetObject', 's3:getobject'],
  ['résumé', 'resume'],
  ['a', 'b'],
  ['b', 'a'],
  ['', ''],
];
const OPTIONS: Intl.CollatorOptions[] = [
  { sensitivity: 'accent' },
  { sensitivity: 'base' },
  { numeric: true },
];

describe('cached collators for localeCompare while the proof evaluates', () => {
  it('compares exactly as the native localeCompare, for every set of options', async () => {
    const native = PAIRS.flatMap(([a, b]) => OPTIONS.map((o) => Math.sign(a.localeCompare(b, undefined, o))));
    const cached = await withCachedCollators(async () =>
      PAIRS.flatMap(([a, b]) => OPTIONS.map((o) => Math.sign(a.localeCompare(b, undefined, o)))),
    );
    expect(cached).toEqual(native);
    // the case-insensitive equality iam-simulate relies on
    expect(native.slice(0, 3)).toEqual([0, 0, -1]);
  });

  it('installs the cache only while running, also when nested or failing', async () => {
    const original = String.prototype.localeCompare;
    await withCachedCollators(async () => {
      expect(String.prototype.localeCompare).not.toBe(original);
      await withCachedCollators(async () => undefined);
      expect(String.prototype.localeCompare).not.toBe(original);
    });
    await expect(
      withCachedCollators(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(String.prototype.localeCompare).toBe(original);
  });
});
