import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outDir } from '../../../test/support/outdir.js';
import { quickstart } from '../../../test/support/config.js';
import type { Config } from '../../config/index.js';
import { buildApp, TEMPLATES_ONLY, type RoleStack } from '../app.js';

const W = '100000000002';
const SOURCE_MANAGEMENT = '100000000001';

// The quickstart protecting one more region: its RDS selector in eu-west-1, its bucket in us-east-1 (the home region).
// The AWS Backup path runs in the home region only (its placement is backup-stacks.test.ts's).
function twoRegions(accounts?: { id: string; name: string }[]): Config {
  return quickstart([
    [['paths', 'backup'], false],
    [['backup', 'airGappedVault'], false],
    [
      ['organizations', 'source', 'regions'],
      ['us-east-1', 'eu-west-1'],
    ],
    [['protect', 'rds'], [{ account: W, region: 'eu-west-1', names: ['orders'] }]],
    ...(accounts ? [[['organizations', 'source', 'workloadAccounts'], accounts] as [string[], unknown]] : []),
  ]);
}

const byName = (stacks: RoleStack[], suffix: string): RoleStack => {
  const found = stacks.find((s) => s.stack.stackName === `quickstart-airgap-${suffix}`);
  if (!found) throw new Error(`no stack ${suffix}`);
  return found;
};

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }>;
const resources = (s: RoleStack): Resources => Template.fromStack(s.stack).toJSON()['Resources'] as Resources;

let stacks: RoleStack[];
beforeAll(() => {
  stacks = buildApp(twoRegions(), outDir('source-stacks'), TEMPLATES_ONLY).stacks;
});

describe('the source StackSet split into a global and a regional template', () => {
  it('every named IAM role is in the global template; the regional one names no global resource', () => {
    const global = Object.values(resources(byName(stacks, 'source')));
    const roleNames = global
      .filter((r) => r.Type === 'AWS::IAM::Role')
      .map((r) => r.Properties?.['RoleName']);
    expect(roleNames).toEqual(
      expect.arrayContaining([
        'AirGapReplication',
        'AirGapBatchReplication',
        'AirGapSnapshotSharer',
        'AirGapEfsReplication',
      ]),
    );
    expect(global.filter((r) => r.Type === 'AWS::Lambda::Function')).toEqual([]);
    const regional = Object.values(resources(byName(stacks, 'source-regional')));
    // IAM names are account-wide: a named role, user or managed policy would collide in the second region.
    const named = regional.filter(
      (r) =>
        r.Type.startsWith('AWS::IAM::') &&
        r.Type !== 'AWS::IAM::Policy' &&
        JSON.stringify(r).includes('Name"'),
    );
    expect(named).toEqual([]);
    expect(regional.map((r) => r.Type)).toEqual(
      expect.arrayContaining([
        'AWS::KMS::Key',
        'AWS::KMS::Alias',
        'AWS::Events::Rule',
        'AWS::Lambda::Function',
      ]),
    );
  });

  it("the region's grants to the share function's role are an inline policy named after the region, attached before the function", () => {
    const regional = resources(byName(stacks, 'source-regional'));
    // The event bus targets' roles are the template's own (unnamed, so one per region): their policies never meet.
    const policies = Object.entries(regional).filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties?.['Roles']).includes('AirGapSnapshotSharer'),
    );
    expect(policies).toHaveLength(1);
    const [id, policy] = policies[0]!;
    expect(policy.Properties?.['Roles']).toEqual(['AirGapSnapshotSharer']);
    expect(JSON.stringify(policy.Properties?.['PolicyName'])).toContain('AWS::Region');
    const fn = Object.values(regional).find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect(fn.DependsOn).toEqual([id]);
  });

  it('the global template deploys once per account in its home region; the regional one in each region the account protects, with that region’s buckets and selectors', () => {
    expect(byName(stacks, 'source').instances.map((i) => [i.account, i.region])).toEqual([[W, 'us-east-1']]);
    const regional = byName(stacks, 'source-regional').instances;
    expect(regional.map((i) => [i.account, i.region])).toEqual([
      [W, 'us-east-1'],
      [W, 'eu-west-1'],
    ]);
    const [home, other] = regional.map((i) => i.parameters);
    expect(home!['ProtectedBuckets']).toBe('payments-invoices');
    expect(JSON.parse(home!['SnapshotSelectors']!)).toMatchObject({ rds: [] });
    expect(other!['ProtectedBuckets']).toBe('');
    expect(JSON.parse(other!['SnapshotSelectors']!)).toEqual({
      rds: [{ account: W, region: 'eu-west-1', names: ['orders'] }],
      aurora: [],
      ebs: [],
    });
  });

  it("the source management account has an asset bucket in every region the StackSets deploy to (Lambda reads code from its own region's bucket)", () => {
    const assets = stacks
      .filter((s) => s.role === 'source-management')
      .flatMap((s) => s.instances.map((i) => `${i.account} ${i.region}`));
    expect(assets).toEqual([`${SOURCE_MANAGEMENT} us-east-1`, `${SOURCE_MANAGEMENT} eu-west-1`]);
  });

  it('both templates stay byte-identical for one workload account or three', () => {
    const three = buildApp(
      twoRegions([
        { id: W, name: 'payments' },
        { id: '100000000005', name: 'ledger' },
        { id: '100000000006', name: 'media' },
      ]),
      outDir('source-stacks-3'),
      TEMPLATES_ONLY,
    ).stacks;
    for (const suffix of ['source', 'source-regional']) {
      const one = JSON.stringify(Template.fromStack(byName(stacks, suffix).stack).toJSON());
      expect(JSON.stringify(Template.fromStack(byName(three, suffix).stack).toJSON())).toBe(one);
      expect(one).not.toMatch(/10000000000[256]/);
    }
    // Accounts that protect nothing outside the home region get the regional template there only.
    expect(byName(three, 'source-regional').instances).toHaveLength(4);
  });
});
