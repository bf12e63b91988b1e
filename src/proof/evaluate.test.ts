import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { simulate, type EvaluationModel } from './evaluate.js';
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
