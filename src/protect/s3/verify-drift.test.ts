import type { ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { BucketState } from '../../audit/model.js';
import { bucketRules } from '../../audit/rules/s3.js';
import { protectedBuckets } from '../../config/plan.js';
import { quickstart } from '../../../test/support/config.js';
import { replicationConfiguration } from './replication.js';
import { judgeDrift } from './verify-drift.js';

const config = quickstart();
const bucket = protectedBuckets(config)[0]!;
const vaultArn = `arn:aws:s3:::${bucket.vaultBucket}`;
const sseCBlocked: ServerSideEncryptionRule[] = [{ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }];

/** The two buckets as configure-replication and the vault template leave them. */
const intended = (): BucketState => ({
  bucket,
  sourceReplication: replicationConfiguration(config, bucket),
  sourceLifecycle: [],
  sourceEncryption: sseCBlocked,
  vaultExists: true,
  vaultObjectLock: {
    ObjectLockEnabled: 'Enabled',
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: config.vault.retention.days } },
  },
  vaultEncryption: sseCBlocked,
});
const drifted = (change: (state: BucketState) => void) => {
  const state = intended();
  change(state);
  return judgeDrift(bucketRules(state, config));
};
const rule = (state: BucketState) => state.sourceReplication!.Rules![0]!;

describe('verify’s drift: the audit’s bucket controls, each failure a failure of verify or a warning', () => {
  it('the buckets as configured: no drift, every control passing', () => {
    expect(judgeDrift(bucketRules(intended(), config))).toEqual({
      ok: true,
      findings: [],
      passed: [
        'VAULT_OBJECT_LOCK',
        'VAULT_SSE_C_BLOCKED',
        'SOURCE_SSE_C_BLOCKED',
        'SOURCE_REPLICATION',
        'SOURCE_DELETE_MARKER_REPLICATION',
        'SOURCE_LIFECYCLE_EXPIRY',
      ],
    });
  });

  it.each([
    [
      'threat #4: the rule deleted',
      (s: BucketState) => (s.sourceReplication = undefined),
      `replication rule airgap-vault is missing (the bucket has no replication rule); it should replicate everything to ${vaultArn}`,
    ],
    [
      'threat #4: the rule replaced by one of another id',
      (s: BucketState) => (rule(s).ID = 'other'),
      `replication rule airgap-vault is missing (the bucket's rules: other); it should replicate everything to ${vaultArn}`,
    ],
    [
      'threat #4: the rule disabled',
      (s: BucketState) => (rule(s).Status = 'Disabled'),
      `replication rule airgap-vault is Disabled, not Enabled; it should replicate everything to ${vaultArn}`,
    ],
    [
      'threat #4: the destination changed',
      (s: BucketState) => (rule(s).Destination!.Bucket = 'arn:aws:s3:::exfil'),
      `replicates to arn:aws:s3:::exfil, not ${vaultArn}`,
    ],
    [
      'threat #4: the rule narrowed by a filter (moto answers an empty prefix whatever was stored)',
      (s: BucketState) => (rule(s).Filter = { Prefix: 'logs/' }),
      `replication rule airgap-vault is narrowed by the filter {"Prefix":"logs/"}; it should replicate everything to ${vaultArn}`,
    ],
    [
      'threat #4: a V1 rule narrowed by its prefix',
      (s: BucketState) => {
        delete rule(s).Filter;
        rule(s).Prefix = 'logs/';
      },
      `replication rule airgap-vault is narrowed by the filter {"Prefix":"logs/"}; it should replicate everything to ${vaultArn}`,
    ],
  ])('%s fails verify with the rule diff', (_, change, detail) => {
    expect(drifted(change)).toMatchObject({
      ok: false,
      findings: [{ control: 'SOURCE_REPLICATION', resource: bucket.bucket, severity: 'fail', detail }],
    });
  });

  it('threat #7: the vault’s default retention weakened (GOVERNANCE, fewer days, or Object Lock gone) fails verify', () => {
    for (const lock of [
      {
        ObjectLockEnabled: 'Enabled' as const,
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE' as const, Days: 30 } },
      },
      {
        ObjectLockEnabled: 'Enabled' as const,
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE' as const, Days: 1 } },
      },
      undefined,
    ])
      expect(drifted((s) => (s.vaultObjectLock = lock))).toMatchObject({
        ok: false,
        findings: [{ control: 'VAULT_OBJECT_LOCK', resource: bucket.vaultBucket, severity: 'fail' }],
      });
  });

  it.each([
    [
      'threat #3: a source lifecycle rule expiring current versions',
      (s: BucketState) =>
        (s.sourceLifecycle = [
          { ID: 'expire-all', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } },
        ]),
      'SOURCE_LIFECYCLE_EXPIRY',
    ],
    [
      'threat #5: delete markers replicating against the config',
      (s: BucketState) => (rule(s).DeleteMarkerReplication = { Status: 'Enabled' }),
      'SOURCE_DELETE_MARKER_REPLICATION',
    ],
    [
      'threat #2: SSE-C writes not blocked on the source',
      (s: BucketState) => (s.sourceEncryption = []),
      'SOURCE_SSE_C_BLOCKED',
    ],
    [
      'threat #2: SSE-C writes not blocked on the vault',
      (s: BucketState) => (s.vaultEncryption = []),
      'VAULT_SSE_C_BLOCKED',
    ],
  ])('%s leaves the vault’s data as it is: a warning, verify not failed by it', (_, change, control) => {
    expect(drifted(change)).toMatchObject({ ok: true, findings: [{ control, severity: 'warn' }] });
  });

  it('lists failures before warnings', () => {
    const found = drifted((s) => {
      s.sourceLifecycle = [{ ID: 'x', Status: 'Enabled', Expiration: { Days: 1 } }];
      s.sourceReplication = undefined;
    });
    expect(found.findings.map((f) => [f.control, f.severity])).toEqual([
      ['SOURCE_REPLICATION', 'fail'],
      ['SOURCE_LIFECYCLE_EXPIRY', 'warn'],
    ]);
  });
});
