import { protectedBuckets } from '../config/index.js';
import type { Attack } from './attacks.js';
import type { ProofModel } from './model.js';
import type { Principal } from './principals.js';
import { glob } from './wildcard.js';

export interface Grouping {
  /** One principal per shape: those of grouped accounts are covered by their representative's. */
  principals: Principal[];
  /** Attacks to evaluate: those aimed at grouped accounts' resources are covered by one sample member's. */
  attacks: Attack[];
  /** Workload accounts evaluated in full (representatives and accounts of their own shape). */
  evaluated: Set<string>;
  /** Representative workload account -> the accounts it stands for (empty: proved on its own). */
  represents: Map<string, string[]>;
}

/**
 * Groups workload accounts that decide alike, so a 500-account proof evaluates one representative per policy
 * shape. Sound by a check, not by assumption: accounts m and r are grouped only if the swap σ of their
 * identifiers (account ids, and the protected bucket names that vault bucket names embed)
 *  1. maps the model onto itself: every evaluation input (role policies and trust, resources with their
 *     policies and locks, guardrails) that names m or r is, once swapped, an input of the model too, i.e. their
 *     policies are identical up to the account; and
 *  2. keeps every wildcard match: for each pattern p of the model and each string n a request can carry
 *     (principal ARNs and accounts, attacked resources), p matches n exactly when σ(p) matches σ(n), as whole
 *     strings and ARN segment by ARN segment.
 * An evaluation depends only on its inputs, their equality and such matches, so decision(p, a) =
 * decision(σp, σa). Hence m's principals decide as r's on swapped attacks (r's are evaluated on every kept
 * attack), and any principal of neither decides alike on attacks aimed at m and at m' (swaps compose within
 * a group), so one sample member's resources stand for every member's.
 */
export function group(model: ProofModel, everyone: Principal[], attacks: Attack[]): Grouping {
  const workloads = model.config.organizations.source.workloadAccounts.map((a) => a.id);
  const buckets = new Map<string, string[]>(workloads.map((a) => [a, []]));
  for (const b of protectedBuckets(model.config)) buckets.get(b.account)?.push(b.bucket);
  const owner = new Map<string, string>();
  for (const [account, names] of buckets) {
    owner.set(account, account);
    for (const n of names) owner.set(n, account);
  }
  const tokens = new Tokenizer(new Set(owner.keys()));
  const accountsIn = (s: string) => new Set(tokens.find(s).map((t) => owner.get(t)!));

  const items = inputs(model);
  const itemSet = new Set(items);
  const requests = [
    ...new Set([
      ...everyone.flatMap((p) => [p.arn, p.account]),
      ...attacks.map((a) => a.resource),
      ...attacks.map((a) => a.resourceAccount),
    ]),
  ];
  const texts = [...new Set(items.flatMap((i) => i.match(/"[^"]*[*?][^"]*"/g) ?? []))].map(
    (p) => JSON.parse(p) as string,
  );
  const patterns = texts.map(pattern);
  const byAccount = (strings: string[]) => {
    const out = new Map<string, string[]>();
    for (const s of strings) for (const a of accountsIn(s)) out.set(a, [...(out.get(a) ?? []), s]);
    return out;
  };
  const itemsOf = byAccount(items);
  const requestsOf = byAccount(requests);
  const patternsOf = new Map([...byAccount(texts)].map(([a, ts]) => [a, ts.map(pattern)]));
  // Thousands of patterns and strings at 500 accounts: look patterns up by the rarest 8 characters of their
  // longest literal (a pattern can match a string only if the string contains them), not one by one.
  const gramsOf = (p: Pattern) => {
    const longest = p.literals[0] ?? '';
    return new Set(
      Array.from({ length: Math.max(0, longest.length - GRAM + 1) }, (_, i) => longest.slice(i, i + GRAM)),
    );
  };
  const frequency = new Map<string, number>();
  for (const p of patterns) for (const g of gramsOf(p)) frequency.set(g, (frequency.get(g) ?? 0) + 1);
  const byGram = new Map<string, Pattern[]>();
  const short: Pattern[] = [];
  for (const p of patterns) {
    const rarest = [...gramsOf(p)].sort((a, b) => frequency.get(a)! - frequency.get(b)!)[0];
    if (rarest === undefined) short.push(p);
    else byGram.set(rarest, [...(byGram.get(rarest) ?? []), p]);
  }
  const mayMatchCache = new Map<string, Pattern[]>();
  const candidates = (lower: string): Pattern[] => {
    let found = mayMatchCache.get(lower);
    if (!found) {
      const near = new Set(short);
      for (let i = 0; i + GRAM <= lower.length; i++)
        for (const p of byGram.get(lower.slice(i, i + GRAM)) ?? []) near.add(p);
      found = [...near].filter((p) => mayMatch(p, lower));
      mayMatchCache.set(lower, found);
    }
    return found;
  };
  const unnamed = requests.filter((n) => accountsIn(n).size === 0).map((n) => text(n, n));

  const symmetric = (m: string, r: string): boolean => {
    const bm = buckets.get(m)!;
    const br = buckets.get(r)!;
    if (bm.length !== br.length) return false;
    const swap = swapper(tokens, [[m, r], ...bm.map((b, i): [string, string] => [b, br[i]!])]);
    for (const item of [...(itemsOf.get(m) ?? []), ...(itemsOf.get(r) ?? [])]) {
      if (!itemSet.has(canonical(JSON.parse(swap(item))))) return false;
    }
    // Where σ changes the pattern or the string; elsewhere both sides are the same test. A pattern that names
    // neither account can tell the two apart only on a string it may match.
    const naming = new Set([...(patternsOf.get(m) ?? []), ...(patternsOf.get(r) ?? [])]);
    const swapped = new Map([...naming].map((p) => [p, pattern(swap(p.text))]));
    for (const value of [...(requestsOf.get(m) ?? []), ...(requestsOf.get(r) ?? [])]) {
      const n = text(value, swap(value));
      const tested = new Set([...naming, ...candidates(n.lower), ...candidates(n.swappedLower)]);
      for (const p of tested) if (!sameMatch(p, swapped.get(p) ?? p, n)) return false;
    }
    for (const p of naming) for (const n of unnamed) if (!sameMatch(p, swapped.get(p)!, n)) return false;
    return true;
  };

  const groupOf = new Map<string, string>();
  const reps: string[] = [];
  for (const m of workloads) {
    const rep = reps.find((r) => symmetric(m, r));
    if (rep) groupOf.set(m, rep);
    else reps.push(m);
  }
  const represents = new Map(
    reps.map((r) => [r, [...groupOf].filter(([, rep]) => rep === r).map(([m]) => m)]),
  );
  const sample = new Set([...represents.values()].flatMap((members) => members.slice(0, 1)));
  const kept = (s: string) => [...accountsIn(s)].every((a) => !groupOf.has(a) || sample.has(a));
  return {
    principals: everyone.filter((p) => !groupOf.has(p.account)),
    attacks: attacks.filter((a) => kept(a.resource)),
    evaluated: new Set(reps),
    represents,
  };
}

/**
 * Every input of an evaluation as canonical JSON. Arrays are sorted: statements, actions, resources and
 * condition values are sets to IAM, and a swap may reorder them.
 */
function inputs(model: ProofModel): string[] {
  return [
    ...model.roles.map((r) => canonical([r.arn, r.policies.map((p) => p.policy), r.trust])),
    ...model.resources.map((r) =>
      canonical([r.arn, r.kind, r.policy ?? null, r.objectLock ?? null, r.vaultLock ?? null]),
    ),
    ...model.guardrails.map((g) => canonical([g.organization, g.kind, g.document])),
  ];
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const GRAM = 8;

/**
 * One tokenization for finding and for swapping identifiers: at each position the account id (a whole 12-digit
 * number) or else the longest bucket name that starts there. Bucket names match anywhere: over-matching only
 * refuses a grouping, as the swapped text is then no input. A scan by token length, not a regex of a thousand
 * alternatives (which costs seconds at 500 accounts).
 */
class Tokenizer {
  private readonly lengths: number[];
  /** The first two characters of every bucket name: most positions of a policy start none. */
  private readonly starts: Set<string>;
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly keys: Set<string>) {
    const names = [...keys].filter((k) => !isId(k));
    this.lengths = [...new Set(names.map((k) => k.length))].sort((a, b) => b - a);
    this.starts = new Set(names.map((k) => k.slice(0, 2)));
  }

  /** `s` cut into text and tokens, alternating: tokens at the odd indexes. Cached: strings are re-swapped per pair. */
  split(s: string): string[] {
    let parts = this.cache.get(s);
    if (parts) return parts;
    parts = [];
    let copied = 0;
    for (let i = 0; i < s.length;) {
      const token = this.at(s, i);
      if (token === undefined) {
        i++;
        continue;
      }
      parts.push(s.slice(copied, i), token);
      i += token.length;
      copied = i;
    }
    parts.push(s.slice(copied));
    this.cache.set(s, parts);
    return parts;
  }

  find(s: string): string[] {
    return this.split(s).filter((_, i) => i % 2 === 1);
  }

  private at(s: string, i: number): string | undefined {
    if (isDigit(s[i]) && !isDigit(s[i - 1]) && !isDigit(s[i + 12])) {
      const id = s.slice(i, i + 12);
      if (isId(id) && this.keys.has(id)) return id;
    }
    if (!this.starts.has(s.slice(i, i + 2))) return undefined;
    for (const length of this.lengths) {
      const name = s.slice(i, i + length);
      if (this.keys.has(name)) return name;
    }
    return undefined;
  }
}

const isId = (s: string) => /^\d{12}$/.test(s);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** σ: exchanges the paired tokens, leaving every other token (another account's) as it is. */
function swapper(tokens: Tokenizer, pairs: [string, string][]): (s: string) => string {
  const map = new Map<string, string>();
  for (const [a, b] of pairs) {
    map.set(a, b);
    map.set(b, a);
  }
  return (s) => {
    const parts = tokens.split(s);
    return parts.length === 1 ? s : parts.map((x, i) => (i % 2 === 1 ? (map.get(x) ?? x) : x)).join('');
  };
}

/**
 * p matches n exactly when σ(p) (here p2) matches σ(n): as whole strings and ARN segment by segment (both the six ARN
 * parts and every `:` field), with and without case folding, the ways an evaluator may compare them.
 */
function sameMatch(p: Pattern, p2: Pattern, n: Text): boolean {
  if (p === p2 && n.value === n.swapped) return true;
  // A literal piece of the pattern missing from the string rules out every kind of match at once.
  if (!mayMatch(p, n.lower) && !mayMatch(p2, n.swappedLower)) return true;
  return [false, true].every((fold) =>
    [whole, arnParts, fields].every(
      (split) =>
        matchesAll(split(p.text), split(n.value), fold) ===
        matchesAll(split(p2.text), split(n.swapped), fold),
    ),
  );
}

/** A string a request can carry, with its image under σ, both also lower-cased. */
interface Text {
  value: string;
  swapped: string;
  lower: string;
  swappedLower: string;
}
const text = (value: string, swapped: string): Text => ({
  value,
  swapped,
  lower: value.toLowerCase(),
  swappedLower: swapped.toLowerCase(),
});

interface Pattern {
  text: string;
  /** Its literal pieces (between wildcards and `:`), longest first, lower-cased. */
  literals: string[];
}

const patternCache = new Map<string, Pattern>();
function pattern(text: string): Pattern {
  let p = patternCache.get(text);
  if (!p) {
    const literals = text
      .toLowerCase()
      .split(/[*?:]/)
      .filter(Boolean)
      .sort((a, b) => b.length - a.length);
    p = { text, literals };
    patternCache.set(text, p);
  }
  return p;
}

const mayMatch = (p: Pattern, lower: string) => p.literals.every((l) => lower.includes(l));
const whole = (s: string) => [s];
const fields = (s: string) => s.split(':');
/** arn, partition, service, region, account, resource (which may hold further colons). */
const arnParts = (s: string) => {
  const f = s.split(':');
  return f.length > 6 ? [...f.slice(0, 5), f.slice(5).join(':')] : f;
};
const matchesAll = (patterns: string[], values: string[], fold: boolean) =>
  patterns.length === values.length && patterns.every((p, i) => glob(p, fold).test(values[i]!));
