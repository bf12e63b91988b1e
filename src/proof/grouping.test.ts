import { describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import type { Attack } from './attacks.js';
import { group } from './grouping.js';
import type { ProofModel } from './model.js';
import { principals } from './principals.js';

const ids = ['100000000002', '100000000005', '100000000006'];

/**
 * A model shaped like synth's: per account a replication role and a vault bucket whose policy names it; account
 * ids[i] protects bucket names[i].
 */
function model(
  extra: (account: string) => object[] = () => [],
  names = ids.map((_, i) => `data-${i}`),
): ProofModel {
  const config = quickstart([
    [['organizations', 'source', 'workloadAccounts'], ids.map((id, i) => ({ id, name: `w${i}` }))],
    [['protect', 's3'], ids.map((id, i) => ({ account: id, names: [names[i]!] }))],
  ]);
  return {
    config,
    roles: ids.map((account, i) => ({
      arn: `arn:aws:iam::${account}:role/AirGapReplication`,
      account,
      name: 'AirGapReplication',
      organization: 'source' as const,
      policies: [
        {
          name: 'replicate',
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:ReplicateObject',
                Resource: `arn:aws:s3:::airgap-vault-${account}-*/*`,
              },
              {
                Effect: 'Allow',
                Action: 's3:GetObjectVersionForReplication',
                Resource: `arn:aws:s3:::${names[i]}/*`,
              },
              ...extra(account),
            ],
          },
        },
      ],
      trust: { Version: '2012-10-17', Statement: [] },
    })),
    resources: ids.map((account, i) => ({
      kind: 'bucket' as const,
      arn: `arn:aws:s3:::airgap-vault-${account}-${names[i]}`,
      account: '200000000002',
      name: `airgap-vault-${account}-${names[i]}`,
      objectLock: { mode: 'COMPLIANCE', days: 30 },
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account}:role/AirGapReplication` },
            Action: 's3:ReplicateObject',
            Resource: `arn:aws:s3:::airgap-vault-${account}-${names[i]}/*`,
          },
        ],
      },
    })),
    guardrails: [],
  };
}

const attacksOn = (m: ProofModel): Attack[] =>
  m.resources.map((r) => ({
    action: 's3:DeleteObject',
    resource: `${r.arn}/x`,
    resourceAccount: r.account,
    kind: 'delete' as const,
    destructive: true,
  }));

describe('grouping of workload accounts (sound by a symmetry check, not by assumption)', () => {
  it('groups accounts whose every policy differs only by account id and bucket name, keeping one sample member', () => {
    const m = model();
    const g = group(m, principals(m), attacksOn(m));
    expect(g.represents.get('100000000002')).toEqual(['100000000005', '100000000006']);
    expect(g.principals.some((p) => p.account === '100000000005')).toBe(false);
    // The representative's own bucket and one sample member's remain; the third is covered by symmetry.
    expect(g.attacks.map((a) => a.resource)).toEqual([
      'arn:aws:s3:::airgap-vault-100000000002-data-0/x',
      'arn:aws:s3:::airgap-vault-100000000005-data-1/x',
    ]);
  });

  it('refuses to group an account whose role carries one statement more', () => {
    const m = model((a) =>
      a === '100000000006' ? [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] : [],
    );
    const g = group(m, principals(m), attacksOn(m));
    expect(g.represents.get('100000000006')).toEqual([]);
    expect(g.principals.some((p) => p.account === '100000000006')).toBe(true);
    expect(g.attacks).toHaveLength(3);
  });

  it('refuses to group when a wildcard tells the accounts apart (a pattern on part of an account id)', () => {
    const m = model();
    m.guardrails.push({
      organization: 'vault',
      kind: 'SCP',
      name: 'partial',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'P',
            Effect: 'Deny',
            Action: ['s3:*'],
            Resource: 'arn:aws:s3:::airgap-vault-1000000000*5-*',
          },
        ],
      },
    });
    const g = group(m, principals(m), attacksOn(m));
    // The pattern names account ...05 by part of its id: it stays on its own; ...06 still groups with ...02.
    expect([...g.represents]).toEqual([
      ['100000000002', ['100000000006']],
      ['100000000005', []],
    ]);
  });
});

describe('grouping refuses a pattern that tells accounts apart by part of a name', () => {
  it('keeps apart two accounts when one pattern of theirs also matches a third account’s bucket', () => {
    // data-1* names bucket data-1 and also matches data-10: swapping accounts 1 and 2 would change what it matches.
    const m = model();
    const ten = { ...m.resources[0]!, arn: 'arn:aws:s3:::data-10', name: 'data-10', policy: undefined };
    m.resources.push(ten);
    m.roles[1]!.policies[0]!.policy.Statement.push({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::data-1*',
    });
    m.roles[2]!.policies[0]!.policy.Statement.push({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::data-2*',
    });
    const g = group(m, principals(m), [...attacksOn(m)]);
    expect(g.represents.get('100000000005')).toEqual([]);
  });
});

describe('grouping compares what names each account, in one pass', () => {
  it('keeps apart an account whose pattern also matches a third account’s bucket name', () => {
    // Account ...05's data-1* also matches ...06's data-10: swapping ...05 with ...02 (data-2*) would change what
    // it matches on a string naming neither of the two, so ...05's role must be proved on its own.
    const m = model(
      (a) => [
        { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:s3:::${a === ids[1] ? 'data-1' : 'data-x'}*` },
      ],
      ['data-2', 'data-1', 'data-10'],
    );
    m.roles[0]!.policies[0]!.policy.Statement.at(-1).Resource = 'arn:aws:s3:::data-2*';
    m.roles[2]!.policies[0]!.policy.Statement.at(-1).Resource = 'arn:aws:s3:::data-10*';
    m.resources.push({ ...m.resources[2]!, arn: 'arn:aws:s3:::data-10', name: 'data-10', policy: undefined });
    const g = group(m, principals(m), attacksOn(m));
    expect(g.represents.get(ids[0]!)).toEqual([]);
    expect(g.principals.some((p) => p.account === ids[1])).toBe(true);
  });

  it('groups accounts that a policy of several accounts lists alike, and not one it lists twice', () => {
    const everyone = (roles: string[]): ProofModel['guardrails'][number] => ({
      organization: 'vault',
      kind: 'SCP',
      name: 'list',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'L',
            Effect: 'Deny',
            Action: ['s3:*'],
            Resource: '*',
            Condition: { ArnLike: { 'aws:PrincipalArn': roles } },
          },
        ],
      },
    });
    const role = (a: string, name = 'AirGapReplication') => `arn:aws:iam::${a}:role/${name}`;
    const alike = model();
    alike.guardrails.push(everyone(ids.map((a) => role(a))));
    expect([...group(alike, principals(alike), attacksOn(alike)).represents]).toEqual([
      [ids[0], [ids[1], ids[2]]],
    ]);
    const twice = model();
    twice.guardrails.push(everyone([...ids.map((a) => role(a)), role(ids[2]!, 'Other')]));
    expect([...group(twice, principals(twice), attacksOn(twice)).represents]).toEqual([
      [ids[0], [ids[1]]],
      [ids[2], []],
    ]);
  });
});

describe('twins: a principal naming neither the representative nor the sample member needs only one of their attacks', () => {
  const onMember = 'arn:aws:s3:::airgap-vault-100000000005-data-1/x';
  const onRep = 'arn:aws:s3:::airgap-vault-100000000002-data-0/x';

  it('gives an attack on the sample member’s bucket the representative’s as twin for a principal of neither, not for the representative’s own', () => {
    const m = model();
    const g = group(m, principals(m), attacksOn(m));
    const [member, rep] = [onMember, onRep].map((r) => g.attacks.find((a) => a.resource === r)!);
    const outsider = g.principals.find((p) => p.id === 'outsider')!;
    const replication = g.principals.find((p) => p.id === `role:${ids[0]}:AirGapReplication`)!;
    expect(g.twin(outsider, member!)).toBe(rep);
    expect(g.twin(outsider, rep!)).toBeUndefined();
    expect(g.twin(replication, member!)).toBeUndefined();
  });

  it('gives none to a principal whose statements each name one account (a denial would name another statement), nor when the two buckets’ policies differ in order', () => {
    const reader = (statements: object[]) => ({
      arn: 'arn:aws:iam::200000000002:role/Reader',
      account: '200000000002',
      name: 'Reader',
      organization: 'vault' as const,
      policies: [{ name: 'read', policy: { Version: '2012-10-17', Statement: statements } }],
      trust: { Version: '2012-10-17', Statement: [] },
    });
    const buckets = (m: ProofModel) => m.resources.map((r) => `${r.arn}/*`);
    const read = (Resource: string | string[]) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource });
    const twinFor = (m: ProofModel, id: string) => {
      const g = group(m, principals(m), attacksOn(m));
      expect(g.represents.get(ids[0]!)).toEqual([ids[1], ids[2]]);
      const p = g.principals.find((x) => x.id === id)!;
      return g.twin(
        p,
        g.attacks.find((a) => a.resource === onMember)!,
      );
    };
    const apart = model();
    apart.roles.push(reader(buckets(apart).map((b) => read(b))));
    expect(twinFor(apart, 'role:200000000002:Reader')).toBeUndefined();
    const together = model();
    together.roles.push(reader([read(buckets(together))]));
    expect(twinFor(together, 'role:200000000002:Reader')!.resource).toBe(onRep);
    const reordered = model();
    const statement = (Sid: string, Action: string) => ({
      Sid,
      Effect: 'Deny',
      Principal: '*',
      Action,
      Resource: '*',
    });
    reordered.resources.forEach((r, i) =>
      r.policy.Statement.push(
        ...(i === 1
          ? [statement('B', 's3:PutObject'), statement('A', 's3:GetObject')]
          : [statement('A', 's3:GetObject'), statement('B', 's3:PutObject')]),
      ),
    );
    expect(twinFor(reordered, 'outsider')).toBeUndefined();
  });
});
