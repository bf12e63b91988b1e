/**
 * iam-simulate compares strings case-insensitively with `a.localeCompare(b, undefined, options)`, and V8 builds
 * a new ICU collator for every such call (about 16 µs): most of an evaluation's time. While the proof evaluates,
 * those calls go through one cached `Intl.Collator` per set of options instead. ECMA-402 defines
 * `localeCompare(that, locales, options)` as `new Intl.Collator(locales, options).compare(this, that)`, so the
 * results are the same; calls with explicit locales, or without options, keep the native path.
 */
const native = String.prototype.localeCompare;
const collators = new Map<string, Intl.Collator>();
let depth = 0;

/** The options an `Intl.Collator` reads: the cache key must not miss one (inherited ones included). */
const OPTION_NAMES = [
  'usage',
  'localeMatcher',
  'collation',
  'numeric',
  'caseFirst',
  'sensitivity',
  'ignorePunctuation',
] as const;

function cachedLocaleCompare(
  this: string,
  that: string,
  locales?: string | string[],
  options?: Intl.CollatorOptions,
): number {
  if (locales !== undefined || options === undefined) return native.call(this, that, locales, options);
  const key = OPTION_NAMES.map((n) => String(options[n])).join('|');
  let collator = collators.get(key);
  if (!collator) {
    collator = new Intl.Collator(undefined, options);
    collators.set(key, collator);
  }
  return collator.compare(String(this), String(that));
}

/** Runs `fn` with the cached comparison installed; the native one is back once every caller has finished. */
export async function withCachedCollators<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) String.prototype.localeCompare = cachedLocaleCompare;
  try {
    return await fn();
  } finally {
    if (--depth === 0) String.prototype.localeCompare = native;
  }
}
