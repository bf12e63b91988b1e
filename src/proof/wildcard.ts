const globs = new Map<string, RegExp>();

/** An IAM wildcard pattern (`*` any run, `?` one character) as an anchored regex, optionally case-folded. */
export function glob(pattern: string, fold: boolean): RegExp {
  const key = `${fold ? 'i' : 's'}${pattern}`;
  let re = globs.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, fold ? 'is' : 's');
    globs.set(key, re);
  }
  return re;
}
