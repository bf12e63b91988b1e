import { protectedBuckets } from '../config/index.js';
import type { Attack } from './attacks.js';
import { resourcePolicyOf } from './evaluate.js';
import type { Policy, ProofModel } from './model.js';
import { PolicyMemo } from './policy-memo.js';
import type { Principal } from './principals.js';
import { glob, type Glob } from './wildcard.js';

export interface Grouping {
  /** One principal per shape: those of grouped accounts are covered by their representative's. */
  principals: Principal[];
  /** Attacks to evaluate: those aimed at grouped accounts' resources are covered by one sample member's. */
  attacks: Attack[];
  /** Workload accounts evaluated in full (representatives and accounts of their own shape). */
  evaluated: Set<string>;
  /** Representative workload account -> the accounts it stands for (empty: proved on its own). */
  represents: Map<string, string[]>;
  /**
   * The attack that decides (p, a) as (p, a) itself would, when a is aimed at a sample member's resource and p
   * names neither that member nor its representative (see `twins`); undefined when (p, a) must be decided.
   */
  twin(p: Principal, a: Attack): Attack | undefined;
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
 *
 * Checked in one pass, not per pair of accounts (which re-read every policy naming all accounts once per account):
 * each account gets a signature, what the model holds that names it with its identifiers replaced by
 * placeholders (`Signatures`), and accounts with equal signatures are grouped. Equal signatures give both
 * conditions: whatever names m, σ-swapped, is something of the model naming r, and the reverse.
 */
export function group(model: ProofModel, everyone: Principal[], attacks: Attack[]): Grouping {
  const workloads = model.config.organizations.source.workloadAccounts.map((a) => a.id);
  const buckets = new Map<string, string[]>(workloads.map((a) => [a, []]));
  for (const b of protectedBuckets(model.config)) buckets.get(b.account)?.push(b.bucket);
  const signatures = new Signatures(buckets);

  const items = inputs(model);
  for (const item of items) signatures.addValue(item);
  const requests = [
    ...new Set([
      ...everyone.flatMap((p) => [p.arn, p.account]),
      ...attacks.map((a) => a.resource),
      ...attacks.map((a) => a.resourceAccount),
    ]),
  ];
  for (const n of requests) signatures.addString('request', n);
  // Condition 2 as facts "p matches n in these ways", for every pair of which p or n names an account: equal
  // facts up to placeholders, with σ mapping patterns to patterns and requests to requests (the two lines above),
  // give that σp matches σn exactly when p matches n, the pairs that match neither way included.
  const patterns = [...new Set(items.flatMap(wildcards))].map(pattern);
  const candidates = patternIndex(patterns);
  for (const n of requests) {
    const named = signatures.accountsIn(n).size > 0;
    const parts = SPLITS.map((split) => split(n));
    for (const p of candidates(n.toLowerCase())) {
      if (!named && signatures.accountsIn(p.text).size === 0) continue;
      const bits = matchBits(p, parts);
      if (bits) signatures.addFact([p.text, n], bits);
    }
  }

  const byShape = new Map<string, string[]>();
  for (const a of workloads) {
    const key = signatures.of(a);
    byShape.set(key, [...(byShape.get(key) ?? []), a]);
  }
  const represents = new Map([...byShape.values()].map(([rep, ...members]) => [rep!, members]));
  const groupOf = new Map([...represents].flatMap(([rep, members]) => members.map((m) => [m, rep])));
  const sample = new Set([...represents.values()].flatMap((members) => members.slice(0, 1)));
  const kept = (s: string) => [...signatures.accountsIn(s)].every((a) => !groupOf.has(a) || sample.has(a));
  const keptAttacks = attacks.filter((a) => kept(a.resource));
  return {
    principals: everyone.filter((p) => !groupOf.has(p.account)),
    attacks: keptAttacks,
    evaluated: new Set(represents.keys()),
    represents,
    twin: twins(model, signatures, represents, keptAttacks),
  };
}

/**
 * A principal p that σ (the swap of representative r and sample member m) maps onto itself decides alike on an
 * attack a aimed at m and on σa, aimed at r: decision(p, a) = decision(σp, σa) = decision(p, σa). So p needs only
 * r's attacks, and m's are decided by their twins. p is mapped onto itself when its ARN and account name neither
 * account and each statement of its policies, swapped, is the same statement up to the order of its arrays (a
 * policy listing every account's role); a twin is taken only when σa is an attack of the proof and the resource
 * policies of a and σa are the same, swapped, statement for statement, so that a denial names the same statement.
 */
function twins(
  model: ProofModel,
  signatures: Signatures,
  represents: Map<string, string[]>,
  attacks: Attack[],
): Grouping['twin'] {
  const byCall = new Map(attacks.map((a) => [`${a.action} ${a.resource}`, a]));
  const memo = new PolicyMemo();
  const pairs = new Map<Attack, { twin: Attack; rep: string; member: string }>();
  for (const [rep, [member]] of represents) {
    if (member === undefined) continue;
    const swap = (s: string) => signatures.swap(s, rep, member);
    for (const a of attacks) {
      const named = signatures.accountsIn(a.resource);
      if (named.size !== 1 || !named.has(member)) continue;
      const twin = byCall.get(`${a.action} ${swap(a.resource)}`);
      if (
        twin &&
        twin.resourceAccount === swap(a.resourceAccount) &&
        twin.governedBy === (a.governedBy === undefined ? undefined : swap(a.governedBy)) &&
        JSON.stringify(swapped(resourcePolicyOf(model, a, memo) ?? null, swap)) ===
          JSON.stringify(resourcePolicyOf(model, twin, memo) ?? null)
      )
        pairs.set(a, { twin, rep, member });
    }
  }
  const fixed = new Map<string, boolean>();
  return (p, a) => {
    const pair = pairs.get(a);
    if (!pair) return undefined;
    const key = `${p.id} ${pair.rep}`;
    let itself = fixed.get(key);
    if (itself === undefined) {
      const swap = (s: string) => signatures.swap(s, pair.rep, pair.member);
      itself =
        [p.arn, p.account].every((s) => signatures.accountsIn(s).size === 0) &&
        p.policies.every((x) =>
          [x.policy?.Statement ?? x.policy]
            .flat()
            .every((st: Policy) => canonical(st, swap) === canonical(st, (s) => s)),
        );
      fixed.set(key, itself);
    }
    return itself ? pair.twin : undefined;
  };
}

/** A JSON value with every string (object keys included) mapped by `swap`, arrays in their order. */
function swapped(value: unknown, swap: (s: string) => string): unknown {
  if (typeof value === 'string') return swap(value);
  if (Array.isArray(value)) return value.map((v) => swapped(v, swap));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k), swapped(v, swap)]));
  return value;
}

/**
 * Every input of an evaluation. Its arrays are sets to IAM (statements, actions, resources, condition values),
 * as they are to `canonical`.
 */
function inputs(model: ProofModel): unknown[] {
  return [
    ...model.roles.map((r) => [r.arn, r.policies.map((p) => p.policy), r.trust]),
    ...model.resources.map((r) => [
      r.arn,
      r.kind,
      r.policy ?? null,
      r.objectLock ?? null,
      r.vaultLock ?? null,
    ]),
    ...model.guardrails.map((g) => [g.organization, g.kind, g.document]),
  ];
}

/**
 * JSON with object keys sorted and arrays sorted (equal for two values IAM cannot tell apart), each string, keys
 * included, first mapped by `leaf`.
 */
function canonical(value: unknown, leaf: (s: string) => string): string {
  const json = (v: unknown): string => {
    if (typeof v === 'string') return JSON.stringify(leaf(v));
    if (Array.isArray(v)) return `[${v.map(json).sort().join(',')}]`;
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(leaf(k))}:${json(x)}`);
      return `{${entries.sort().join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return json(value);
}

/** Every string of a value that holds a wildcard: the patterns of the model. */
function wildcards(value: unknown): string[] {
  if (typeof value === 'string') return /[*?]/.test(value) ? [value] : [];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(wildcards);
  return [];
}

/**
 * Per workload account, what the model holds that names it, with its identifiers replaced by placeholders
 * (`⟪A⟫` its id, `⟪Bi⟫` its i-th protected bucket): a value naming exactly m, placeholdered, equals one naming
 * exactly r exactly when σ maps the one onto the other. Something naming two accounts or more cannot be compared
 * so: an array's elements that each name one account are (a policy listing every account's role: σ permutes them,
 * and the array stays the same set when m and r have as many elements of each shape in it); anything else naming
 * an account sets that account apart, proved on its own.
 */
class Signatures {
  private readonly tokens: Tokenizer;
  private readonly owner = new Map<string, string>();
  private readonly placeholder = new Map<string, string>();
  /** Per account: its id, then its protected bucket names in order. */
  private readonly identifiers = new Map<string, string[]>();
  private readonly entries = new Map<string, string[]>();
  private readonly apart = new Set<string>();
  private arrays = 0;
  /** A text already holding a placeholder's mark could be confused with a replaced one: then no account is grouped. */
  private unsafe = false;

  constructor(buckets: Map<string, string[]>) {
    for (const [account, names] of buckets) {
      this.owner.set(account, account);
      this.placeholder.set(account, '⟪A⟫');
      names.forEach((n, i) => {
        this.owner.set(n, account);
        this.placeholder.set(n, `⟪B${i}⟫`);
      });
      this.entries.set(account, [`buckets ${names.length}`]);
      this.identifiers.set(account, [account, ...names]);
    }
    this.tokens = new Tokenizer(new Set(this.owner.keys()));
  }

  /** Workload accounts whose identifiers `s` holds. */
  accountsIn(s: string): Set<string> {
    return new Set(this.tokens.find(s).map((t) => this.owner.get(t)!));
  }

  /** `s` with the identifiers of accounts a and b (equal signatures: as many buckets) swapped. */
  swap(s: string, a: string, b: string): string {
    const parts = this.tokens.split(s);
    if (parts.length === 1) return s;
    const [ia, ib] = [this.identifiers.get(a)!, this.identifiers.get(b)!];
    return parts
      .map((x, i) => {
        if (i % 2 === 0) return x;
        const owner = this.owner.get(x);
        return owner === a ? ib[ia.indexOf(x)]! : owner === b ? ia[ib.indexOf(x)]! : x;
      })
      .join('');
  }

  /** An input of the model: one element of the model's set of inputs. */
  addValue(value: unknown): void {
    this.element('inputs', value);
  }

  /** A string a request can carry. */
  addString(kind: string, s: string): void {
    const named = this.accountsIn(s);
    if (named.size > 1) this.setApart(named);
    else for (const a of named) this.add(a, `${kind} ${JSON.stringify(this.replaced(s, a))}`);
  }

  /** That pattern `p` matches string `n` in the ways `bits` says. */
  addFact([p, n]: [string, string], bits: number): void {
    const named = new Set([...this.accountsIn(p), ...this.accountsIn(n)]);
    if (named.size > 1) this.setApart(named);
    else
      for (const a of named)
        this.add(a, `match ${bits} ${JSON.stringify([p, n].map((s) => this.replaced(s, a)))}`);
  }

  /** The account's signature: equal for two accounts exactly when σ maps what names one onto what names the other. */
  of(account: string): string {
    if (this.apart.has(account) || this.unsafe) return `apart ${account}`;
    return JSON.stringify(this.entries.get(account)!.sort());
  }

  /** An element of the array (a set to IAM) `array`. */
  private element(array: string, value: unknown): void {
    const named = this.named(value);
    if (named.size === 1) {
      const [a] = named as Set<string> & [string];
      this.add(a, `${array} ${canonical(value, (s) => this.replaced(s, a))}`);
    } else if (named.size > 1) this.within(value, named);
  }

  /** A value naming several accounts: its arrays' elements are compared, anything else naming one sets it apart. */
  private within(value: unknown, named: Set<string>): void {
    if (Array.isArray(value)) {
      const id = `array${this.arrays++}`;
      for (const v of value) this.element(id, v);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        this.setApart(this.accountsIn(k));
        const inner = this.named(v);
        if (inner.size > 1) this.within(v, inner);
        else this.setApart(inner);
      }
    } else this.setApart(named);
  }

  /** Workload accounts that the strings of a value (object keys included) name. */
  private named(value: unknown, into = new Set<string>()): Set<string> {
    if (typeof value === 'string') for (const t of this.tokens.find(value)) into.add(this.owner.get(t)!);
    else if (Array.isArray(value)) for (const v of value) this.named(v, into);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) this.named(v, this.named(k, into));
    return into;
  }

  private replaced(s: string, account: string): string {
    if (s.includes('⟪')) this.unsafe = true;
    const parts = this.tokens.split(s);
    return parts.length === 1
      ? s
      : parts
          .map((x, i) => (i % 2 === 1 && this.owner.get(x) === account ? this.placeholder.get(x)! : x))
          .join('');
  }

  private add(account: string, entry: string): void {
    this.entries.get(account)!.push(entry);
  }

  private setApart(accounts: Iterable<string>): void {
    for (const a of accounts) this.apart.add(a);
  }
}

const GRAM = 8;

/**
 * One tokenization for finding and for swapping identifiers: at each position the account id (a whole 12-digit
 * number) or else the longest bucket name that starts there. Bucket names match anywhere: over-matching only
 * refuses a grouping, as the swapped text then names no account of the model. A scan by token length, not a regex of a thousand
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

/**
 * How pattern p matches a string (cut by each of SPLITS), one bit per way an evaluator may compare them: as whole
 * strings and ARN segment by segment, with and without case folding.
 */
function matchBits(p: Pattern, parts: string[][]): number {
  let bits = 0;
  p.globs ??= [false, true].flatMap((fold) => SPLITS.map((split) => split(p.text).map((x) => glob(x, fold))));
  p.globs.forEach((globs, i) => {
    const values = parts[i % SPLITS.length]!;
    if (globs.length === values.length && globs.every((matches, k) => matches(values[k]!))) bits |= 1 << i;
  });
  return bits;
}

/**
 * The patterns that may match a lower-cased string (every literal piece of theirs is in it). Thousands of patterns
 * and strings at 500 accounts: patterns are looked up by the rarest 8 characters of their longest literal (a
 * pattern can match a string only if the string contains them), not one by one.
 */
function patternIndex(patterns: Pattern[]): (lower: string) => Pattern[] {
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
  return (lower) => {
    const near = new Set(short);
    for (let i = 0; i + GRAM <= lower.length; i++)
      for (const p of byGram.get(lower.slice(i, i + GRAM)) ?? []) near.add(p);
    return [...near].filter((p) => p.literals.every((l) => lower.includes(l)));
  };
}

interface Pattern {
  text: string;
  /** Its literal pieces (between wildcards and `:`), longest first, lower-cased. */
  literals: string[];
  /** Per case folding and split, the tests of its pieces; made on first use. */
  globs?: Glob[][];
}

function pattern(text: string): Pattern {
  const literals = text
    .toLowerCase()
    .split(/[*?:]/)
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  return { text, literals };
}

/**
 * The ways to cut a pattern and a string for matching: whole, the six ARN parts (arn, partition, service, region,
 * account, and the resource, which may hold further colons), and every `:` field.
 */
const SPLITS = [
  (s: string) => [s],
  (s: string) => {
    const f = s.split(':');
    return f.length > 6 ? [...f.slice(0, 5), f.slice(5).join(':')] : f;
  },
  (s: string) => s.split(':'),
];
