import { describe, expect, it } from 'vitest';
import { grantsVault, judgeKey, type KeyFacts } from './key-verdict.js';

const VAULT = '200000000002';
const SHARE = 'arn:aws:kms:us-east-1:100000000002:key/share';
const facts = (over: Partial<KeyFacts> = {}): KeyFacts => ({
  arn: 'arn:aws:kms:us-east-1:100000000002:key/k',
  manager: 'CUSTOMER',
  aliases: [],
  state: 'Enabled',
  policy: undefined,
  ...over,
});
const ctx = { encrypted: true, keyId: 'k', shareKeyArn: SHARE, vaultAccount: VAULT };
const policy = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

describe('KMS key verdict', () => {
  it('threat #13: an AWS-managed key is never shareable, told by KeyManager or by its aws/ alias', () => {
    expect(judgeKey(facts({ manager: 'AWS' }), ctx)).toMatchObject({ kind: 'aws-managed' });
    const byAlias = judgeKey(facts({ aliases: ['alias/aws/ebs'] }), ctx);
    expect(byAlias).toMatchObject({ kind: 'aws-managed', problem: expect.stringContaining('alias/aws/ebs') });
  });

  it('accepts the share key and a customer key whose policy grants the vault Decrypt and CreateGrant', () => {
    expect(judgeKey(facts({ arn: SHARE }), ctx)).toEqual({ kind: 'share-key' });
    const granted = policy({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${VAULT}:root` },
      Action: ['kms:Decrypt', 'kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
    });
    expect(judgeKey(facts({ policy: granted }), ctx)).toEqual({ kind: 'grants-vault' });
  });

  it('names the missing grant, a disabled key, an unreadable key and an unencrypted snapshot', () => {
    const decryptOnly = policy({ Effect: 'Allow', Principal: { AWS: VAULT }, Action: 'kms:Decrypt' });
    expect(judgeKey(facts({ policy: decryptOnly }), ctx)).toMatchObject({
      kind: 'not-granted',
      problem: expect.stringContaining(`account ${VAULT} kms:Decrypt and kms:CreateGrant`),
    });
    expect(judgeKey(facts({ state: 'PendingDeletion' }), ctx)).toMatchObject({
      kind: 'unusable',
      problem: expect.stringContaining('PendingDeletion'),
    });
    expect(judgeKey(undefined, ctx)).toMatchObject({ kind: 'unreadable' });
    expect(judgeKey(undefined, { ...ctx, encrypted: false })).toMatchObject({ kind: 'unencrypted' });
  });

  it('reads grants: wildcards count, Deny and other accounts do not, bad JSON grants nothing', () => {
    expect(grantsVault(policy({ Effect: 'Allow', Principal: { AWS: VAULT }, Action: 'kms:*' }), VAULT)).toBe(
      true,
    );
    expect(grantsVault(policy({ Effect: 'Deny', Principal: { AWS: VAULT }, Action: 'kms:*' }), VAULT)).toBe(
      false,
    );
    expect(
      grantsVault(
        policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'kms:*' }),
        VAULT,
      ),
    ).toBe(false);
    expect(
      grantsVault(
        policy({
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${VAULT}:role/AirGapSnapshotCopier`] },
          Action: ['kms:Decrypt', 'kms:Create*'],
        }),
        VAULT,
      ),
    ).toBe(true);
    expect(grantsVault('{not json', VAULT)).toBe(false);
  });
});
