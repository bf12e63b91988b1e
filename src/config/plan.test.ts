import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';
import { accountsByRole, protectedBuckets, vaultBucketName } from './plan.js';

const config = parseConfig(
  readFileSync(new URL('../../examples/quickstart.yaml', import.meta.url), 'utf8'),
  'quickstart.yaml',
);

describe('plan', () => {
  it('lists every account role of the config once, in its organization', () => {
    const roles = accountsByRole(config).map((a) => `${a.organization}:${a.role}:${a.id}`);
    expect(roles).toEqual([
      'source:source-management:100000000001',
      'source:workload:100000000002',
      'vault:vault-management:200000000001',
      'vault:vault:200000000002',
      'vault:restore:200000000004',
      'source:backup:100000000003',
      'source:air-gap:100000000004',
      'vault:log-archive:200000000005',
    ]);
  });

  it('gives each protected bucket its own vault bucket', () => {
    expect(protectedBuckets(config)).toEqual([
      {
        account: '100000000002',
        region: 'us-east-1',
        bucket: 'payments-invoices',
        vaultBucket: 'airgap-vault-100000000002-payments-invoices',
      },
    ]);
  });

  it('derives the buckets of each config object: a variant with other buckets gets its own', () => {
    const before = protectedBuckets(config).map((b) => b.bucket);
    const variant = {
      ...config,
      protect: { ...config.protect, s3: [{ account: '100000000002', names: ['payments-archive'] }] },
    };
    expect(protectedBuckets(variant).map((b) => b.vaultBucket)).toEqual([
      'airgap-vault-100000000002-payments-archive',
    ]);
    expect(protectedBuckets(config).map((b) => b.bucket)).toEqual(before);
  });

  it('keeps long vault bucket names within 63 characters and distinct', () => {
    const a = vaultBucketName(config, '100000000002', 'a'.repeat(60) + '-one');
    const b = vaultBucketName(config, '100000000002', 'a'.repeat(60) + '-two');
    expect(a.length).toBeLessThanOrEqual(63);
    expect(b.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/);
  });
});
