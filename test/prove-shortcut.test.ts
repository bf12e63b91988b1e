import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import { attackCatalogue, type Attack } from '../src/proof/attacks.js';
import { authorize, mayAllow, simulate } from '../src/proof/evaluate.js';
import { loadModel, type Policy, type ProofModel } from '../src/proof/model.js';
import { PolicyMemo, type PolicyKind } from '../src/proof/policy-memo.js';
import { principals, type Principal } from '../src/proof/principals.js';
import { quickstart } from './support/config.js';

const config = quickstart();
const dir = mkdtempSync(join(tmpdir(), 'airgap-prove-shortcut-'));
let model: ProofModel;
let attacks: Attack[];
let skipped: [Principal, Attack][];

beforeAll(async () => {
  synthesize(config, dir, TEMPLATES_ONLY);
  model = loadModel(config, dir);
  attacks = await attackCatalogue(model);
  skipped = principals(model).flatMap((p) =>
    attacks.filter((a) => !mayAllow(model, p, a)).map((a): [Principal, Attack] => [p, a]),
  );
}, 120_000);

describe('the proof skips a simulation only where no policy allows the action (iam-simulate agrees)', () => {
  // Every fourth of the ~6,000 skipped pairs (every role and action kind is among them): all of them take minutes.
  it('iam-simulate, in Discovery mode, denies the principal x attack pairs of the quickstart that authorize skips', async () => {
    expect(skipped.length).toBeGreaterThan(1000);
    const sample = skipped.filter((_, i) => i % 4 === 0);
    expect(new Set(sample.map(([p]) => p.id)).size).toBe(new Set(skipped.map(([p]) => p.id)).size);
    const allowed: string[] = [];
    for (const [p, a] of sample)
      if ((await simulate(model, p, a)).allowed) allowed.push(`${p.id} ${a.action} ${a.resource}`);
    expect(allowed).toEqual([]);
  }, 600_000);

  it('never skips an administrator, and skips nothing a policy of the model allows', async () => {
    expect(skipped.filter(([p]) => p.policies.some((x) => x.name === 'AdministratorAccess'))).toEqual([]);
    const copier = principals(model).find((p) => p.id === 'role:200000000002:AirGapSnapshotCopier')!;
    const table = model.resources.find((r) => r.kind === 'table')!;
    const put = { action: 'dynamodb:PutItem', resource: table.arn, resourceAccount: table.account };
    expect(mayAllow(model, copier, put)).toBe(true);
    expect(mayAllow(model, copier, { ...put, action: 'dynamodb:DeleteTable' })).toBe(false);
    expect(await authorize(model, copier, { ...put, action: 'dynamodb:DeleteTable' })).toEqual({
      allowed: false,
      decidedBy: ['no-allow: no identity or resource policy names it'],
    });
  });

  it('counts NotAction in an Allow as naming every action', () => {
    const copier = principals(model).find((p) => p.id === 'role:200000000002:AirGapSnapshotCopier')!;
    const wide = {
      ...copier,
      policies: [
        {
          name: 'not-action',
          policy: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] },
        },
      ],
    };
    const table = model.resources.find((r) => r.kind === 'table')!;
    expect(
      mayAllow(model, wide, {
        action: 'dynamodb:DeleteTable',
        resource: table.arn,
        resourceAccount: table.account,
      }),
    ).toBe(true);
  });
});

describe('policies validated once per proof decide as policies validated on every call', () => {
  it('one PolicyMemo over a run gives the decisions, and the deciding statements, of a fresh one per call (Discovery and Strict)', async () => {
    const who = principals(model).filter((p) =>
      [
        'source-admin:100000000002',
        'outsider',
        'vault-admin',
        'role:100000000002:AirGapReplication',
        'role:200000000004:AirGapRestore',
      ].includes(p.id),
    );
    expect(who).toHaveLength(5);
    const sample = attacks.filter((_, i) => i % 10 === 0);
    const memo = new PolicyMemo();
    const differ: string[] = [];
    let allowed = 0;
    for (const mode of ['Discovery', 'Strict'] as const)
      for (const p of who)
        for (const a of sample) {
          const shared = await authorize(model, p, a, mode, memo);
          const fresh = await authorize(model, p, a, mode);
          if (shared.allowed) allowed++;
          if (JSON.stringify(shared) !== JSON.stringify(fresh)) differ.push(`${mode} ${p.id} ${a.action}`);
        }
    expect(differ).toEqual([]);
    // Vault operators may add and read: the sample holds allowed calls as well as denied ones.
    expect(allowed).toBeGreaterThan(0);
  }, 600_000);

  it('a memo validates as iam-simulate would: an invalid policy is still refused', async () => {
    const admin = principals(model).find((p) => p.id === 'outsider')!;
    const broken = {
      ...admin,
      policies: [{ name: 'broken', policy: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] } }],
    };
    const call = { action: 's3:GetObject', resource: 'arn:aws:s3:::x/y', resourceAccount: '999999999999' };
    await expect(simulate(model, broken, call, 'Discovery', new PolicyMemo())).rejects.toThrow(
      /cannot evaluate/,
    );
  });
});

/** The reference: every policy handed to iam-simulate whole, as before policies were cut per call. */
class WholePolicies extends PolicyMemo {
  override cutFor(kind: PolicyKind, policy: Policy): Policy {
    return this.validatedAs(kind, policy);
  }
}

describe('policies cut to the statements that may apply to the call decide as whole policies', () => {
  it('every principal on every ninth attack of the quickstart (Discovery), and five on every tenth (Strict): the same decisions, deciding statements and descriptions of what is allowed', async () => {
    const cut = new PolicyMemo();
    const whole = new WholePolicies();
    const five = new Set([
      'source-admin:100000000002',
      'outsider',
      'vault-admin',
      'break-glass',
      'role:200000000004:AirGapRestore',
    ]);
    const differ: string[] = [];
    let allowed = 0;
    let compared = 0;
    for (const mode of ['Discovery', 'Strict'] as const)
      for (const p of principals(model).filter((p) => mode === 'Discovery' || five.has(p.id)))
        for (const a of attacks.filter((_, i) => i % (mode === 'Discovery' ? 9 : 10) === 0)) {
          const fast = await authorize(model, p, a, mode, cut);
          const reference = await authorize(model, p, a, mode, whole);
          compared++;
          if (fast.allowed) allowed++;
          if (JSON.stringify(fast) !== JSON.stringify(reference)) differ.push(`${mode} ${p.id} ${a.action}`);
        }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(2500);
    expect(allowed).toBeGreaterThan(0);
  }, 600_000);

  it('names a denying statement without Sid by its index in the whole policy, as whole policies do', async () => {
    const outsider = principals(model).find((p) => p.id === 'outsider')!;
    const call = {
      action: 's3:DeleteObject',
      resource: 'arn:aws:s3:::elsewhere/any-key',
      resourceAccount: outsider.account,
      resourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::elsewhere/*' },
          { Effect: 'Deny', Principal: { AWS: '222222222222' }, Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', Principal: '*', Action: 's3:Delete*', Resource: 'arn:aws:s3:::elsewhere/*' },
        ],
      },
    };
    const fast = await authorize(model, outsider, call, 'Discovery', new PolicyMemo());
    expect(fast).toEqual({ allowed: false, decidedBy: ['resource:policy/#3'] });
    expect(await authorize(model, outsider, call, 'Discovery', new WholePolicies())).toEqual(fast);
  });
});
