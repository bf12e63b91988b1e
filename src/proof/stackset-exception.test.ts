import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../test/support/config.js';
import { outDir } from '../../test/support/outdir.js';
import { TEMPLATES_ONLY } from '../infra/app.js';
import { synthesize } from '../infra/synth.js';
import { authorize } from './evaluate.js';
import { loadModel, type ProofModel } from './model.js';
import { principals, type Principal } from './principals.js';
import { prove } from './prove.js';

const config = quickstart();
const dir = outDir('stackset-exception');
const workload = config.organizations.source.workloadAccounts[0]!.id;
const ADMIN = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

beforeAll(() => {
  synthesize(config, dir, TEMPLATES_ONLY);
}, 300_000);

/** The StackSet execution role of a workload account, as an attacker who owns the account would use it. */
const stackSetRole = (m: ProofModel): Principal => ({
  ...principals(m).find((p) => p.id === `source-admin:${workload}`)!,
  id: 'stackset-execution',
  arn: `arn:aws:iam::${workload}:role/AWSCloudFormationStackSetExecutionRole`,
});
const changeRole = (m: ProofModel, who: Principal, context: Record<string, string | string[]>) =>
  authorize(
    m,
    who,
    {
      action: 'iam:PutRolePolicy',
      resource: `arn:aws:iam::${workload}:role/AirGapReplication`,
      resourceAccount: workload,
      context,
    },
    'Strict',
  );

describe('source SCP: the StackSet execution role may update the project roles (iam-simulate)', () => {
  it('through CloudFormation only; called directly, or as any other source principal, it is refused', async () => {
    const m = loadModel(config, dir);
    const via = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
    expect((await changeRole(m, stackSetRole(m), via)).allowed).toBe(true);
    expect((await changeRole(m, stackSetRole(m), {})).allowed).toBe(false);
    const admin = principals(m).find((p) => p.id === `source-admin:${workload}`)!;
    expect((await changeRole(m, admin, via)).allowed).toBe(false);
  }, 120_000);

  it('the operator, exempted to pass the AirGap roles to a service, changes none of them, even given any policy', async () => {
    const m = loadModel(config, dir);
    const operator: Principal = {
      ...principals(m).find((p) => p.id === `source-admin:${workload}`)!,
      id: 'operator',
      arn: `arn:aws:iam::${workload}:role/AirGapOperator`,
    };
    expect(operator.policies).toEqual([{ name: expect.any(String), policy: ADMIN }]);
    const pass = await authorize(
      m,
      operator,
      {
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${workload}:role/AirGapBatchReplication`,
        resourceAccount: workload,
        context: { 'iam:PassedToService': 'batchoperations.s3.amazonaws.com' },
      },
      'Strict',
    );
    expect(pass.allowed).toBe(true);
    expect((await changeRole(m, operator, {})).allowed).toBe(false);
    expect(
      (await changeRole(m, operator, { 'aws:CalledVia': ['cloudformation.amazonaws.com'] })).allowed,
    ).toBe(false);
  }, 120_000);

  it('grants an attacker nothing new: the project roles of the source accounts, rewritten to administrators, still destroy nothing in the vault', async () => {
    const m = loadModel(config, dir);
    // What the exception lets an attacker who owns a source account do, at worst: give its AirGap roles any policy.
    const sourceRoles = m.roles.filter((r) => r.organization === 'source');
    expect(sourceRoles.map((r) => r.name)).toEqual(
      expect.arrayContaining(['AirGapReplication', 'AirGapAuditor']),
    );
    for (const r of sourceRoles) r.policies = [{ name: 'AdministratorAccess', policy: ADMIN }];
    const ids = new Set(sourceRoles.map((r) => `role:${r.account}:${r.name}`));
    const result = await prove(m, { only: (p) => ids.has(p.id) });
    expect(result.principals.filter((p) => ids.has(p.id)).length).toBeGreaterThan(0);
    expect(result.breaches).toEqual([]);
  }, 300_000);
});
