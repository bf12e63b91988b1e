import { describe, expect, it } from 'vitest';
import { PolicyMemo } from './policy-memo.js';

const SCP = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'DenyKeys', Effect: 'Deny', Action: ['kms:ScheduleKeyDeletion', 'kms:Disable*'], Resource: '*' },
    { Sid: 'DenyBuckets', Effect: 'Deny', Action: 's3:DeleteBucket*', Resource: '*' },
    { Sid: 'DenyAllBut', Effect: 'Deny', NotAction: ['s3:Get*'], Resource: '*' },
    { Sid: 'DenyAnyS3', Effect: 'Deny', Action: 'S3:*', Resource: '*' },
    {
      Sid: 'DenyVault',
      Effect: 'Deny',
      Action: '*',
      Resource: ['arn:aws:s3:::VAULT-*', 'arn:aws:kms:*:1:key/*'],
    },
    { Sid: 'DenyOwn', Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::own-${aws:PrincipalAccount}/*' },
    { Sid: 'DenyElse', Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::vault-a' },
  ],
};

const BUCKET = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
    {
      Sid: 'Other',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::222222222222:role/R' },
      Action: 's3:*',
      Resource: '*',
    },
    {
      Sid: 'OtherRoot',
      Effect: 'Allow',
      Principal: { AWS: ['222222222222', 'arn:aws:iam::333333333333:root'] },
      Action: 's3:*',
      Resource: '*',
    },
    {
      Sid: 'Service',
      Effect: 'Allow',
      Principal: { Service: 'logs.amazonaws.com' },
      Action: 's3:*',
      Resource: '*',
    },
    {
      Sid: 'Own',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:role/Other' },
      Action: 's3:*',
      Resource: '*',
    },
    {
      Sid: 'AnyRole',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::*:role/R' },
      Action: 's3:*',
      Resource: '*',
    },
    { Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*' },
    {
      Sid: 'AllBut',
      Effect: 'Deny',
      NotPrincipal: { AWS: 'arn:aws:iam::222222222222:root' },
      Action: 's3:*',
      Resource: '*',
    },
  ],
};

const kept = (memo: PolicyMemo, validated: unknown) => memo.originalIndexes(validated);
const call = (action: string, resource: string) => ({ action, resource });

describe('a policy cut to the statements that may apply to a call', () => {
  it('keeps the statements whose Action and Resource may match (wildcards, variables, any case), and every NotAction and NotResource statement', () => {
    const memo = new PolicyMemo();
    expect(
      kept(memo, memo.cutFor('scp', SCP, call('kms:DisableKey', 'arn:aws:kms:us-east-1:1:key/k'))),
    ).toEqual([1, 3, 5, 7]);
    expect(
      kept(memo, memo.cutFor('scp', SCP, call('s3:DeleteBucketPolicy', 'arn:aws:s3:::vault-a'))),
    ).toEqual([2, 3, 4, 5, 7]);
    expect(kept(memo, memo.cutFor('scp', SCP, call('s3:GetObject', 'arn:aws:s3:::own-123/x')))).toEqual([
      3, 4, 6, 7,
    ]);
    expect(
      kept(memo, memo.cutFor('scp', SCP, call('ec2:DeleteSnapshot', 'arn:aws:ec2:us-east-1::snapshot/s'))),
    ).toEqual([3, 7]);
  });

  it('cuts nothing for its Resource when the requested resource has a wildcard (iam-simulate matches each pattern against it)', () => {
    const memo = new PolicyMemo();
    const describe = call('kms:DisableKey', 'arn:aws:kms:us-east-1:1:key/*');
    expect(kept(memo, memo.cutFor('scp', SCP, describe))).toEqual([1, 3, 5, 6, 7]);
  });

  it('keeps a resource policy statement unless its Principal names only other accounts or services', () => {
    const memo = new PolicyMemo();
    const caller = { arn: 'arn:aws:iam::111111111111:role/Admin', account: '111111111111' };
    const cut = memo.cutFor('resource', BUCKET, {
      ...call('s3:PutObject', 'arn:aws:s3:::b/k'),
      principal: caller,
    });
    expect(kept(memo, cut)).toEqual([1, 5, 6, 7, 8]);
    const other = { arn: 'arn:aws:iam::222222222222:root', account: '222222222222' };
    const theirs = memo.cutFor('resource', BUCKET, {
      ...call('s3:PutObject', 'arn:aws:s3:::c'),
      principal: other,
    });
    expect(kept(memo, theirs)).toEqual([2, 3, 6, 7, 8]);
  });

  it('threat #26: keeps a Federated statement for a caller by web identity (its identity provider), cuts it for an IAM role', () => {
    const memo = new PolicyMemo();
    const provider = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity' },
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole*' },
      ],
    };
    const assume = (arn: string) =>
      memo.cutFor('resource', trust, {
        ...call('sts:AssumeRoleWithWebIdentity', 'arn:aws:iam::222222222222:role/R'),
        principal: { arn, account: '111111111111' },
      });
    expect(assume(provider)).toBe(memo.validatedAs('resource', trust));
    expect(kept(memo, assume('arn:aws:iam::111111111111:role/Admin'))).toEqual([2]);
  });

  it('is validated once per set of statements kept, is the whole validated policy when all are kept, and never empty', () => {
    const memo = new PolicyMemo();
    const disable = memo.cutFor('scp', SCP, call('kms:DisableKey', 'arn:aws:kms:us-east-1:1:key/k'));
    expect(memo.cutFor('scp', SCP, call('kms:DisableKeyRotation', 'arn:aws:kms:us-east-1:1:key/k'))).toBe(
      disable,
    );
    const all = { Statement: [SCP.Statement[2]!, SCP.Statement[3]!] };
    expect(memo.cutFor('scp', all, call('s3:PutObject', 'arn:aws:s3:::x'))).toBe(
      memo.validatedAs('scp', all),
    );
    expect(memo.originalIndexes(memo.validatedAs('scp', all))).toBeUndefined();
    const none = { Statement: [SCP.Statement[0]!, SCP.Statement[1]!] };
    expect(kept(memo, memo.cutFor('scp', none, call('ec2:DeleteSnapshot', '*')))).toEqual([1]);
  });

  it('stays whole when the policy is invalid, so that iam-simulate refuses it as it would', () => {
    const memo = new PolicyMemo();
    const invalid = { Statement: [SCP.Statement[0]!, { Effect: 'Deny', Action: 's3:GetObject' }] };
    expect(memo.cutFor('scp', invalid, call('s3:GetObject', '*'))).toBe(memo.validatedAs('scp', invalid));
  });
});
