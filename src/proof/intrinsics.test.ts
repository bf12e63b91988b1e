import { describe, expect, it } from 'vitest';
import { resolve, type IntrinsicContext } from './intrinsics.js';

const ctx: IntrinsicContext = {
  account: '100000000002',
  region: 'us-east-1',
  refs: { Role: { ref: 'AirGapReplication', arn: 'arn:aws:iam::100000000002:role/AirGapReplication' } },
  mappings: {},
  parameters: { ProtectedBuckets: ['a', 'b'] },
  exports: {},
};

describe('resolve', () => {
  it('splices a list parameter inside a list, as CloudFormation does, and resolves around it', () => {
    expect(
      resolve({ Resource: [{ Ref: 'ProtectedBuckets' }, { 'Fn::GetAtt': ['Role', 'Arn'] }, 'c'] }, ctx),
    ).toEqual({ Resource: ['a', 'b', 'arn:aws:iam::100000000002:role/AirGapReplication', 'c'] });
  });

  it('keeps a key named __proto__ as a key of the policy, not as its prototype', () => {
    const policy = JSON.parse(
      '{"Statement":[{"__proto__":{"Ref":"AWS::AccountId"},"Effect":"Deny"}]}',
    ) as object;
    const statement = (resolve(policy, ctx) as { Statement: object[] }).Statement[0]!;
    expect(Object.keys(statement)).toEqual(['__proto__', 'Effect']);
    expect(Object.getOwnPropertyDescriptor(statement, '__proto__')?.value).toBe('100000000002');
  });
});
