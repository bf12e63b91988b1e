import { describe, expect, it } from 'vitest';
import { CANARY_KEY } from './canary.js';
import { checkKey, type SourceVersion, type VaultVersion, type VerifyPolicy } from './verify-check.js';
import { diffHistories } from './verify.js';

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 10, 23, 6, 0, 0);
const policy: VerifyPolicy = {
  windowStart: new Date(t0 - 30 * DAY),
  settledBefore: new Date(t0 + 3_600_000),
  retentionDays: 30,
  mode: 'COMPLIANCE',
};
const src = (versionId: string, at = t0, extra: Partial<SourceVersion> = {}): SourceVersion => ({
  key: 'k',
  versionId,
  deleteMarker: false,
  lastModified: new Date(at),
  size: 10,
  etag: '"e"',
  checksumSha256: `sha-${versionId}`,
  ...extra,
});
const copy = (of: string, extra: Partial<VaultVersion> = {}): VaultVersion => ({
  key: 'k',
  versionId: `vault-${of}`,
  sourceVersionId: of,
  deleteMarker: false,
  lastModified: new Date(t0 + 1000),
  size: 10,
  etag: '"e"',
  checksumSha256: `sha-${of}`,
  retainUntil: new Date(t0 + 1000 + 30 * DAY),
  lockMode: 'COMPLIANCE',
  ...extra,
});

describe('verify: one key (pure)', () => {
  it('passes a version copied with the same size, SHA-256 and full retention', () => {
    expect(checkKey('k', [src('a')], [copy('a')], policy)).toEqual({ verified: 1, pending: 0, findings: [] });
  });

  it('threat #1: reports a source version absent from the vault as missing', () => {
    const v = checkKey('k', [src('a'), src('b')], [copy('a')], policy);
    expect(v.findings).toEqual([expect.objectContaining({ kind: 'missing', versionId: 'b' })]);
  });

  it('counts a missing version younger than the RPO as pending, not missing', () => {
    const v = checkKey('k', [src('a', t0 + 2 * 3_600_000)], [], policy);
    expect(v).toEqual({ verified: 0, pending: 1, findings: [] });
  });

  it('ignores source versions older than the protected window', () => {
    expect(checkKey('k', [src('old', t0 - 31 * DAY)], [], policy).findings).toEqual([]);
  });

  it('threat #30: reports a vault copy whose SHA-256 differs as mismatched', () => {
    const v = checkKey('k', [src('a')], [copy('a', { checksumSha256: 'tampered' })], policy);
    expect(v.findings[0]).toMatchObject({ kind: 'mismatched', detail: expect.stringContaining('SHA-256') });
  });

  it('falls back to the ETag when either side lacks a SHA-256', () => {
    const v = checkKey(
      'k',
      [src('a', t0, { checksumSha256: undefined })],
      [copy('a', { etag: '"other"' })],
      policy,
    );
    expect(v.findings[0]).toMatchObject({ kind: 'mismatched', detail: expect.stringContaining('ETag') });
  });

  it('reports a different size as mismatched', () => {
    expect(checkKey('k', [src('a')], [copy('a', { size: 11 })], policy).findings[0]?.kind).toBe('mismatched');
  });

  it('threat #7: reports retention shorter than the policy, GOVERNANCE mode, or no lock', () => {
    const short = checkKey('k', [src('a')], [copy('a', { retainUntil: new Date(t0 + DAY) })], policy);
    expect(short.findings[0]).toMatchObject({
      kind: 'retention',
      detail: expect.stringContaining('30 days'),
    });
    const governance = checkKey('k', [src('a')], [copy('a', { lockMode: 'GOVERNANCE' })], policy);
    expect(governance.findings[0]?.detail).toContain('GOVERNANCE');
    const none = checkKey('k', [src('a')], [copy('a', { retainUntil: undefined })], policy);
    expect(none.findings[0]?.detail).toBe('no Object Lock retention');
  });

  it('reports a vault version of no source version as unexpected, but not the delete markers', () => {
    const marker = copy('m', { deleteMarker: true });
    const v = checkKey('k', [src('a')], [copy('a'), copy('ghost'), marker], policy);
    expect(v.findings).toEqual([expect.objectContaining({ kind: 'unexpected', versionId: 'vault-ghost' })]);
  });

  it('leaves the status canary out of the counts: a canary not yet in the vault is no missing workload', async () => {
    async function* pages<T>(items: T[]) {
      yield items;
    }
    const diff = await diffHistories(
      pages([src('c1', t0 - DAY, { key: CANARY_KEY }), src('a')]),
      pages([copy('a')]),
      policy,
    );
    expect([diff.keys, diff.verified, diff.counts.missing, diff.ok]).toEqual([1, 1, 0, true]);
  });
});
