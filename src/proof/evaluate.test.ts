import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { resourcePolicyOf, simulate, type EvaluationModel } from './evaluate.js';
import { PolicyMemo } from './policy-memo.js';
import type { Principal } from './principals.js';

const model: EvaluationModel = { config: quickstart(), resources: [], guardrails: [] };
const reader = (resource: string): Principal => ({
  id: 'reader',
  label: 'reader',
  arn: 'arn:aws:iam::999999999999:role/Reader',
  account: '999999999999',
  organization: undefined,
  orgId: undefined,
  policies: [
    {
      name: 'read',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeSnapshotAttribute', Resource: resource }],
      },
    },
  ],
  mfa: false,
  trust: 'attacker',
});
const describeAll = {
  action: 'ec2:DescribeSnapshotAttribute',
  resource: 'arn:aws:ec2:us-east-1::snapshot/*',
  resourceAccount: '999999999999',
};

describe('a request for a wildcard resource (iam-simulate)', () => {
  it('is denied when no statement allows the pattern, which leaves iam-simulate without a result', async () => {
    const other = reader('arn:aws:ec2:eu-west-1::snapshot/*');
    for (const mode of ['Discovery', 'Strict'] as const)
      expect(await simulate(model, other, describeAll, mode)).toEqual({
        allowed: false,
        decidedBy: ['implicit deny: no statement allows the wildcard resource'],
      });
  });

  it('is allowed when a statement allows it', async () => {
    expect((await simulate(model, reader('*'), describeAll, 'Strict')).allowed).toBe(true);
    expect((await simulate(model, reader('arn:aws:ec2:*::snapshot/*'), describeAll)).allowed).toBe(true);
  });
});

describe('resourcePolicyOf', () => {
  const bucket = (arn: string, sid: string) => ({
    kind: 'bucket' as const,
    arn,
    account: '200000000002',
    name: arn,
    policy: { Version: '2012-10-17', Statement: [{ Sid: sid }] },
  });
  const sidOf = (resources: ReturnType<typeof bucket>[], resource: string) =>
    resourcePolicyOf(
      { ...model, resources },
      { action: 's3:GetObject', resource, resourceAccount: '200000000002' },
      new PolicyMemo(),
    )?.Statement[0].Sid;

  it('is the policy of the resource that is the ARN or holds it, the first of the model when several do', () => {
    const [vault, logs, nested] = [
      bucket('arn:aws:s3:::vault', 'vault'),
      bucket('arn:aws:s3:::vault-logs', 'logs'),
      bucket('arn:aws:s3:::vault/inner', 'nested'),
    ];
    expect(sidOf([vault, logs], 'arn:aws:s3:::vault')).toBe('vault');
    expect(sidOf([vault, logs], 'arn:aws:s3:::vault/a/b')).toBe('vault');
    expect(sidOf([logs, vault], 'arn:aws:s3:::vault-logs/a')).toBe('logs');
    expect(sidOf([vault, logs], 'arn:aws:s3:::vaultx/a')).toBeUndefined();
    expect(sidOf([vault, nested], 'arn:aws:s3:::vault/inner/a')).toBe('vault');
    expect(sidOf([nested, vault], 'arn:aws:s3:::vault/inner/a')).toBe('nested');
    expect(sidOf([nested, vault, vault], 'arn:aws:s3:::vault/x')).toBe('vault');
  });
});
