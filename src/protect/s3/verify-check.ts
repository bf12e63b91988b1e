import type { Version } from './versions.js';

/** A source version as verify sees it: the listing entry plus its SHA-256 where the object has one. */
export interface SourceVersion extends Version {
  checksumSha256?: string | undefined;
}

/** A vault version with what proves it: which source version it copies, its checksum and its lock. */
export interface VaultVersion extends Version {
  /** The source version this copy holds: recorded in metadata by backfill, else its own id (S3 replication keeps ids). */
  sourceVersionId: string;
  checksumSha256?: string | undefined;
  retainUntil?: Date | undefined;
  lockMode?: string | undefined;
}

export interface VerifyPolicy {
  /** Versions written before this are outside the protected window (the vault may have let them expire). */
  windowStart: Date;
  /** Versions written after this may still be in flight (the RPO): missing ones are pending, not failures. */
  settledBefore: Date;
  retentionDays: number;
  mode: string;
}

export type FindingKind = 'missing' | 'mismatched' | 'unexpected' | 'retention';

export interface Finding {
  kind: FindingKind;
  key: string;
  versionId: string;
  detail: string;
}

export interface KeyVerdict {
  verified: number;
  pending: number;
  findings: Finding[];
}

/** The verdicts of a diff's keys added up; findings kept up to `keep` per kind (the counts are always complete). */
export interface DiffTotals {
  keys: number;
  verified: number;
  pending: number;
  counts: Record<FindingKind, number>;
  findings: Finding[];
  ok: boolean;
}

export class Tally {
  readonly totals: DiffTotals = {
    keys: 0,
    verified: 0,
    pending: 0,
    counts: { missing: 0, mismatched: 0, unexpected: 0, retention: 0 },
    findings: [],
    ok: true,
  };

  constructor(private readonly keep: number) {}

  add(verdict: KeyVerdict): void {
    const t = this.totals;
    t.keys++;
    t.verified += verdict.verified;
    t.pending += verdict.pending;
    for (const f of verdict.findings) {
      if (t.counts[f.kind]++ < this.keep) t.findings.push(f);
    }
  }

  /** A key whose every version in the window is verified, no check of it needed to say so. */
  addVerified(verified: number): void {
    this.totals.keys++;
    this.totals.verified += verified;
  }

  done(): DiffTotals {
    this.totals.ok = Object.values(this.totals.counts).every((n) => n === 0);
    return this.totals;
  }
}

// Replicas get their default retention a moment after their own LastModified; clocks differ by a little.
export const RETENTION_SLACK_MS = 60_000;
export const DAY_MS = 86_400_000;

/** One key's verdict: pure, so every rule is unit-tested without S3. */
export function checkKey(
  key: string,
  source: SourceVersion[],
  vault: VaultVersion[],
  policy: VerifyPolicy,
): KeyVerdict {
  const verdict: KeyVerdict = { verified: 0, pending: 0, findings: [] };
  const copyOf = lookup(vault, (v) => (v.deleteMarker ? undefined : v.sourceVersionId));
  const inSource = lookup(source, (s) => s.versionId);
  const start = policy.windowStart.getTime();
  const settled = policy.settledBefore.getTime();

  for (const s of source) {
    if (s.deleteMarker || s.lastModified.getTime() < start) continue;
    const copy = copyOf(s.versionId);
    if (!copy) {
      if (s.lastModified.getTime() > settled) verdict.pending++;
      else
        verdict.findings.push({ kind: 'missing', key, versionId: s.versionId, detail: 'not in the vault' });
      continue;
    }
    const content = contentDifference(s, copy);
    if (content) {
      verdict.findings.push({ kind: 'mismatched', key, versionId: s.versionId, detail: content });
      continue;
    }
    const retention = retentionShortfall(copy, policy);
    if (retention) {
      verdict.findings.push({ kind: 'retention', key, versionId: s.versionId, detail: retention });
      continue;
    }
    verdict.verified++;
  }

  for (const v of vault) {
    if (v.deleteMarker || v.lastModified.getTime() < start || inSource(v.sourceVersionId)) continue;
    verdict.findings.push({
      kind: 'unexpected',
      key,
      versionId: v.versionId,
      detail: `vault version of source version ${v.sourceVersionId}, which the source does not hold`,
    });
  }
  return verdict;
}

/**
 * The first item with an id, by scanning: a key's history is mostly a few versions, where a scan costs far
 * less than building a Map and a Set per key (the 10M-row diff checks millions of keys). A long history (a key
 * rewritten thousands of times) gets a Map, so the check never turns quadratic.
 */
function lookup<T>(
  items: readonly T[],
  idOf: (item: T) => string | undefined,
): (id: string) => T | undefined {
  if (items.length > SCAN_LIMIT) {
    const index = new Map<string, T>();
    for (const item of items) {
      const id = idOf(item);
      if (id !== undefined && !index.has(id)) index.set(id, item);
    }
    return (id) => index.get(id);
  }
  return (id) => {
    for (const item of items) if (idOf(item) === id) return item;
    return undefined;
  };
}

const SCAN_LIMIT = 32;

/** SHA-256 where both sides carry one, else the ETag; the size always. */
export function contentDifference(source: SourceVersion, copy: VaultVersion): string | undefined {
  if (source.size !== copy.size) return `size ${copy.size} in the vault, ${source.size} in the source`;
  if (source.checksumSha256 && copy.checksumSha256) {
    return source.checksumSha256 === copy.checksumSha256
      ? undefined
      : `SHA-256 ${copy.checksumSha256} in the vault, ${source.checksumSha256} in the source`;
  }
  if (source.etag && copy.etag && source.etag !== copy.etag)
    return `ETag ${copy.etag} in the vault, ${source.etag} in the source`;
  return undefined;
}

function retentionShortfall(copy: VaultVersion, policy: VerifyPolicy): string | undefined {
  if (!copy.retainUntil || !copy.lockMode) return 'no Object Lock retention';
  if (copy.lockMode !== policy.mode) return `lock mode ${copy.lockMode}, the policy requires ${policy.mode}`;
  const required = copy.lastModified.getTime() + policy.retentionDays * DAY_MS - RETENTION_SLACK_MS;
  if (copy.retainUntil.getTime() < required) {
    return `retained until ${copy.retainUntil.toISOString()}, the policy requires ${policy.retentionDays} days (until ${new Date(required + RETENTION_SLACK_MS).toISOString()})`;
  }
  return undefined;
}
