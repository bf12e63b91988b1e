/** Whether a string matches an IAM wildcard pattern. */
export type Glob = (s: string) => boolean;

const globs = new Map<string, Glob>();
/** Printable ASCII: its case mappings are one letter to one letter, as the regex's are. */
const ASCII = /^[\x20-\x7e]*$/;

/**
 * An IAM wildcard pattern (`*` any run, `?` one character) as a test, optionally case-folded. A proof's grouping
 * tests thousands of distinct patterns a few times each, where compiling a regex costs more than matching: a printable-ASCII
 * pattern without `?` is matched by its pieces between `*`s (the first a prefix, the last a suffix, the others
 * found in order, leftmost first, which for `*` alone finds them exactly when the pattern matches); anything else,
 * and a case-folded test of any other string (whose case mappings the regex alone gets right), by the regex.
 */
export function glob(pattern: string, fold: boolean): Glob {
  const key = `${fold ? 'i' : 's'}${pattern}`;
  let test = globs.get(key);
  if (!test) {
    test = pattern.includes('?') || !ASCII.test(pattern) ? regex(pattern, fold) : pieces(pattern, fold);
    globs.set(key, test);
  }
  return test;
}

function regex(pattern: string, fold: boolean): Glob {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const re = new RegExp(`^${body}$`, fold ? 'is' : 's');
  return (s) => re.test(s);
}

function pieces(pattern: string, fold: boolean): Glob {
  const [first, ...rest] = (fold ? pattern.toLowerCase() : pattern).split('*') as [string, ...string[]];
  const last = rest.pop();
  let slow: Glob | undefined;
  return (text) => {
    if (fold && !ASCII.test(text)) return (slow ??= regex(pattern, fold))(text);
    const s = fold ? text.toLowerCase() : text;
    if (last === undefined) return s === first;
    const end = s.length - last.length;
    if (end < first.length || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    for (const piece of rest) {
      const found = s.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
