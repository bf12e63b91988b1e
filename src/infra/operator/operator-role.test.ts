import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { RESOURCE_NAMES, ROLE_NAMES, VAULT_SERVICE_ROLES, type Config } from '../../config/index.js';
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

  it('no row grants a delete, a retention change or a key change', () => {
    const forbidden =
      /:(Delete|Put.*(Retention|LegalHold|Lifecycle|ObjectLock|KeyPolicy)|Schedule|Disable|Bypass|Update|Revoke|Retire)/;
    expect(OPERATOR_GRANTS.flatMap((g) => g.actions.filter((a) => forbidden.test(a)))).toEqual([]);
  });

  it('restore efs: every call the command makes in each account is granted, the copy only into the restore account’s EFS vault, passing one role each', () => {
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
    const { restoreAccount } = config.organizations.vault;
    const vault = operatorIn(config, 'vault').statements;
    expect(vault.find((st) => st.Action === 'backup:StartCopyJob').Condition).toEqual({
      'ForAllValues:ArnEquals': {
        'backup:CopyTargets': [
          `arn:aws:backup:${config.vault.region}:${restoreAccount}:backup-vault:${RESOURCE_NAMES.efsRestoreBackupVault(config)}`,
        ],
      },
    });
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
