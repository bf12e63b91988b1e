import { describe, expect, it } from 'vitest';
import { glob } from './wildcard.js';

/** The IAM wildcard semantics, written as the regex every evaluator's matching amounts to. */
function reference(pattern: string, fold: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, fold ? 'is' : 's');
}

/** Every string of up to `n` characters over `alphabet`. */
function strings(alphabet: string, n: number): string[] {
  let level = [''];
  const all = [''];
  for (let i = 0; i < n; i++) {
    level = level.flatMap((s) => [...alphabet].map((c) => s + c));
    all.push(...level);
  }
  return all;
}

describe('glob', () => {
  it('decides every pattern and string as the regex does, folded or not (pieces: *, repeats, overlaps, case)', () => {
    const texts = strings('abA', 5);
    for (const pattern of strings('aB*', 5))
      for (const fold of [false, true]) {
        const re = reference(pattern, fold);
        const mismatched = texts.filter((t) => glob(pattern, fold)(t) !== re.test(t));
        expect(mismatched, `${pattern} (${fold ? 'folded' : 'exact'})`).toEqual([]);
      }
  });

  it('matches ARNs and the characters regexes treat specially as literals', () => {
    expect(glob('arn:aws:s3:::vault-*/*', false)('arn:aws:s3:::vault-1/a/b')).toBe(true);
    expect(glob('arn:aws:s3:::vault-*/*', false)('arn:aws:s3:::vault-1')).toBe(false);
    expect(glob('s3:Get*', true)('S3:GETOBJECT')).toBe(true);
    expect(glob('a.b(c)', false)('a.b(c)')).toBe(true);
    expect(glob('a.b', false)('axb')).toBe(false);
    expect(glob('a?c', false)('abc')).toBe(true);
  });

  it('folds case outside ASCII as the regex does (the Kelvin sign is no k)', () => {
    expect(glob('k*', true)('\u212a')).toBe(reference('k*', true).test('\u212a'));
    expect(glob('k*', true)('\u212a')).toBe(false);
    expect(glob('é*', true)('É')).toBe(reference('é*', true).test('É'));
  });
});
