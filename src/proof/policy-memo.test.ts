import { describe, expect, it } from 'vitest';
import { PolicyMemo } from './policy-memo.js';

const SCP = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'DenyKeys', Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:Disable*'], Resource: '*' },
    { Sid: 'DenyBuckets', Effect: 'Deny', Action: 's3:DeleteBucket*', Resource: '*' },
    { Sid: 'DenyAllBut', Effect: 'Deny', NotAction: ['s3:Get*'], Resource: '*' },
    { Sid: 'DenyAnyS3', Effect: 'Deny', Action: 'S3:*', Resource: '*' },
  ],
};

const sids = (validated: unknown) =>
  (validated as { policyDocument: { Statement: { Sid: string }[] } }).policyDocument.Statement.map(
    (s) => s.Sid,
  );

describe('a guardrail cut to the statements that may apply to an action', () => {
  it('keeps the statements whose Action names the action (wildcards, any case) and every NotAction statement', () => {
    const memo = new PolicyMemo();
    expect(sids(memo.forAction('scp', SCP, 'kms:DisableKey'))).toEqual(['DenyKeys', 'DenyAllBut']);
    expect(sids(memo.forAction('scp', SCP, 's3:DeleteBucketPolicy'))).toEqual([
      'DenyBuckets',
      'DenyAllBut',
      'DenyAnyS3',
    ]);
    expect(sids(memo.forAction('scp', SCP, 'ec2:DeleteSnapshot'))).toEqual(['DenyAllBut']);
  });

  it('is validated once per set of statements kept, and is the whole validated policy when all are kept', () => {
    const memo = new PolicyMemo();
    expect(memo.forAction('scp', SCP, 'kms:DisableKey')).toBe(
      memo.forAction('scp', SCP, 'kms:DisableKeyRotation'),
    );
    const all = { Statement: [SCP.Statement[2]!, SCP.Statement[3]!] };
    expect(memo.forAction('scp', all, 's3:PutObject')).toBe(memo.validatedAs('scp', all));
  });

  it('stays whole when a statement has no Sid: a denial would name a statement by an index that cutting shifts', () => {
    const memo = new PolicyMemo();
    const unnamed = { Statement: [{ Effect: 'Deny', Action: 'kms:*', Resource: '*' }, ...SCP.Statement] };
    expect(memo.forAction('scp', unnamed, 'ec2:DeleteSnapshot')).toBe(memo.validatedAs('scp', unnamed));
  });
});
