import { describe, expect, it } from 'vitest';
import { quickstart, withWorkloadAccounts } from '../../../test/support/config.js';
import { MAX_ALLOWED_CIDRS } from '../../config/access-schema.js';
import { glob } from '../../proof/wildcard.js';
import { IDENTITY_CENTER_ROLES, serviceRolePatterns } from './human-access.js';
import {
  guardrails,
  POLICY_SIZE_LIMIT,
  policySize,
  STACKSET_EXECUTION_ROLES,
  type Guardrail,
} from './policies.js';

const all = guardrails(quickstart());
const byName = (name: string): Guardrail => {
  const g = all.find((x) => x.name === name);
  if (!g) throw new Error(`no guardrail ${name}`);
  return g;
};
const statement = (name: string, sid: string) => byName(name).document.Statement.find((s) => s.Sid === sid);

describe('guardrail policies', () => {
  it('each fits the 5,120-character SCP/RCP limit, also for 500 workload accounts', () => {
    for (const g of [...all, ...guardrails(withWorkloadAccounts(500))]) {
      expect(policySize(g.document), g.name).toBeLessThanOrEqual(POLICY_SIZE_LIMIT);
    }
  });

  it('threat #6/#7: deny deleting vault versions and changing their retention, with no exception', () => {
    const s = statement('airgap-vault-data', 'DenyVaultObjectDeletionAndRetentionChange');
    expect(s?.Action).toEqual(
      expect.arrayContaining([
        's3:DeleteObject*',
        's3:PutObjectRetention',
        's3:BypassGovernanceRetention',
        's3:PutLifecycleConfiguration',
      ]),
    );
    expect(s?.Condition).toBeUndefined();
  });

  it('threat #2/#3/#5: deny every write, delete and reconfiguration of vault buckets except break-glass', () => {
    const s = statement('airgap-vault-data', 'DenyVaultBucketChangesExceptBreakGlass');
    expect(s?.Action).toEqual(expect.arrayContaining(['s3:Delete*', 's3:Put*', 's3:Replicate*']));
    expect(s?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });

  it('drill evidence: nobody deletes or shortens it; in the vault organization only break-glass changes more than adding files', () => {
    const evidence = 'arn:aws:s3:::quickstart-airgap-evidence-200000000002';
    expect(statement('airgap-vault-data', 'DenyVaultObjectDeletionAndRetentionChange')?.Resource).toEqual(
      expect.arrayContaining([evidence, `${evidence}/*`]),
    );
    const s = statement('airgap-vault-data', 'DenyEvidenceChangesExceptAddingFiles');
    expect(s?.NotAction).toEqual(['s3:PutObject', 's3:Get*', 's3:List*']);
    expect(s?.Resource).toEqual([evidence, `${evidence}/*`]);
    expect(s?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });

  it('threat #12: only the retention role may delete snapshot copies; in the restore account, its operator the drill’s copies only', () => {
    const restoreOperator = 'arn:aws:iam::200000000004:role/AirGapOperator';
    expect(
      statement('airgap-vault-recovery-points', 'DenySnapshotDeletionExceptRetentionRole')?.Condition,
    ).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/AirGapRetention', restoreOperator] },
    });
    const drillOnly = statement('airgap-vault-recovery-points', 'RestoreOperatorDeletesOnlyDrillCopies');
    expect(drillOnly?.Action).toEqual(
      statement('airgap-vault-recovery-points', 'DenySnapshotDeletionExceptRetentionRole')?.Action,
    );
    expect(drillOnly?.Condition).toEqual({
      ArnLike: { 'aws:PrincipalArn': restoreOperator },
      Null: { 'aws:ResourceTag/airgap:drill': 'true' },
    });
  });

  it('only the copier, the retention role, the restore workflow and restore role (share, tag their restore copies) and the operator (share only) change snapshots', () => {
    expect(
      statement('airgap-vault-recovery-points', 'DenySnapshotChangesExceptAirGapRoles')?.Condition,
    ).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [
          'arn:aws:iam::*:role/AirGapSnapshotCopier',
          'arn:aws:iam::*:role/AirGapRetention',
          'arn:aws:iam::*:role/AirGapRestoreFlow',
          'arn:aws:iam::200000000004:role/AirGapRestore',
          'arn:aws:iam::*:role/AirGapOperator',
        ],
      },
    });
  });

  it('the operator changes no snapshot copy but to share it: every other action on a copy is denied to it, reads aside', () => {
    const s = statement('airgap-vault-recovery-points', 'OperatorOnlySharesSnapshots')!;
    const operator = 'arn:aws:iam::*:role/AirGapOperator';
    expect(s.Condition).toEqual({ ArnLike: { 'aws:PrincipalArn': operator } });
    const denied = (action: string) => !(s.NotAction ?? []).some((p) => glob(p, true)(action));
    for (const action of [
      'ec2:CreateTags',
      'ec2:ModifySnapshotTier',
      'rds:ModifyDBSnapshot',
      'rds:AddTagsToResource',
    ])
      expect(denied(action), action).toBe(true);
    // Deletes are bounded by the two statements above (the restore account's operator, the drill's copies).
    for (const action of [
      'ec2:ModifySnapshotAttribute',
      'rds:ModifyDBSnapshotAttribute',
      'rds:DescribeDBSnapshots',
      'rds:DeleteDBSnapshot',
    ])
      expect(denied(action), action).toBe(false);
    const changes = statement('airgap-vault-recovery-points', 'DenySnapshotChangesExceptAirGapRoles')!;
    expect(changes.Condition?.['ArnNotLike']?.['aws:PrincipalArn']).toContain(operator);
  });

  it('threat #8-#11: deny key deletion, disabling, imported material, and the policy-lockout bypass', () => {
    expect(statement('airgap-vault-keys', 'DenyKeyDestruction')?.Action).toEqual(
      expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:Disable*', 'kms:Delete*', 'kms:Import*']),
    );
    expect(statement('airgap-vault-keys', 'DenyKeyPolicyLockoutBypass')?.Condition).toEqual({
      Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' },
    });
    expect(statement('airgap-vault-keys', 'DenyExternalKeyMaterial')?.Condition).toEqual({
      StringEquals: { 'kms:KeyOrigin': 'EXTERNAL' },
    });
  });

  it('threat #25: deny leaving the organization and turning off CloudTrail, Config and GuardDuty', () => {
    expect(statement('airgap-vault-organization', 'DenyLeavingOrganization')?.Action).toContain(
      'organizations:Leave*',
    );
    expect(statement('airgap-vault-organization', 'DenyTurningOffDetection')?.Action).toEqual(
      expect.arrayContaining(['cloudtrail:Stop*', 'config:Stop*', 'guardduty:Delete*']),
    );
  });

  it('threat #21/#26: the RCP refuses role assumption from outside the vault organization', () => {
    const s = statement('airgap-vault-perimeter', 'AssumeRoleOnlyFromVaultOrg');
    expect(byName('airgap-vault-perimeter').kind).toBe('RCP');
    expect(s?.Principal).toBe('*');
    expect(s?.Condition).toMatchObject({ StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-vault00001' } });
  });

  it('threat #2: the source SCP refuses SSE-C writes only when replication.blockSseCOnSource is on', () => {
    const sids = (g: Guardrail[]) =>
      g.find((x) => x.name === 'airgap-source-protection')!.document.Statement.map((s) => s.Sid);
    expect(sids(all)).toContain('DenySseCWrites');
    expect(sids(guardrails(quickstart([[['replication', 'blockSseCOnSource'], false]])))).not.toContain(
      'DenySseCWrites',
    );
  });

  it('EFS replicas: inside the vault organization only break-glass deletes one, stops its replication or changes its protection', () => {
    const s = statement('airgap-vault-data', 'DenyEfsReplicaChangesExceptBreakGlass');
    expect(s?.Action).toEqual(
      expect.arrayContaining([
        'elasticfilesystem:Delete*',
        'elasticfilesystem:Update*',
        'elasticfilesystem:Put*',
      ]),
    );
    expect(s?.Resource).toBe('arn:aws:elasticfilesystem:*:200000000002:file-system/*');
    expect(s?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });

  it('names every exception: no exception condition matches every principal', () => {
    for (const g of all) {
      for (const s of g.document.Statement) {
        const exception = s.Condition?.['ArnNotLike']?.['aws:PrincipalArn'];
        if (exception)
          for (const arn of [exception].flat()) {
            // The one exception outside the project's names: the StackSet deploying the source roles (through
            // CloudFormation only, which the next statement enforces).
            if (g.name === 'airgap-source-protection' && s.Sid === 'DenyChangingAirGapRoles')
              if (STACKSET_EXECUTION_ROLES.includes(arn)) continue;
            // A trailing * only where one service role name is the prefix of another (serviceRolePatterns); an
            // account only where the exception is one account's role (the restore account's).
            expect(arn, `${g.name}/${s.Sid}`).toMatch(/^arn:aws:iam::(\*|\d{12}):role\/AirGap[A-Za-z]+\*?$/);
          }
        expect(s.Effect).toBe('Deny');
      }
    }
  });

  it('the source SCP lets only the StackSet execution roles, through CloudFormation, change the project roles', () => {
    expect(statement('airgap-source-protection', 'DenyStackSetRoleOutsideCloudFormation')?.Condition).toEqual(
      {
        ArnLike: {
          'aws:PrincipalArn': [
            'arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole',
            'arn:aws:iam::*:role/stacksets-exec-*',
          ],
        },
        'ForAllValues:StringNotEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] },
      },
    );
  });

  it('the vault organization has at most four SCPs: a root holds five, FullAWSAccess being one', () => {
    expect(all.filter((g) => g.organization === 'vault' && g.kind === 'SCP').length).toBeLessThanOrEqual(4);
  });

  it('threat #21: no vault-organization principal, break-glass included, deletes recovery points or removes a Vault Lock', () => {
    const s = statement('airgap-vault-recovery-points', 'DenyBackupVaultTampering');
    expect(s?.Condition).toBeUndefined();
    expect(s?.Action).toEqual(
      expect.arrayContaining([
        'backup:DeleteRecoveryPoint',
        'backup:UpdateRecoveryPointLifecycle',
        'backup:DeleteBackupVault*',
        'backup:PutBackupVaultLockConfiguration',
      ]),
    );
    // Restore testing reports its result with PutRestoreValidationResult: it must stay allowed.
    expect(s?.Action?.some((a) => a === 'backup:Put*')).toBe(false);
  });

  it('threat #22: only break-glass changes a vault access policy or the RAM share of the air-gapped vault', () => {
    const s = statement('airgap-vault-recovery-points', 'DenyBackupAccessChangesExceptBreakGlass');
    expect(s?.Action).toEqual(
      expect.arrayContaining([
        'backup:PutBackupVaultAccessPolicy',
        'backup:PutBackupVaultSharingPolicy',
        'backup:PutBackupVaultNotifications',
        'backup:RevokeRestoreAccessBackupVault',
        'ram:DeleteResourceShare',
      ]),
    );
    expect(s?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });

  it('threat #1/#21: in the source organization only break-glass touches AWS Backup vaults, locks, plans and recovery points', () => {
    const s = statement('airgap-source-protection', 'DenyBackupTamperingExceptBreakGlass');
    expect(s?.Action).toEqual(
      expect.arrayContaining([
        'backup:DeleteRecoveryPoint',
        'backup:DeleteBackupVault*',
        'backup:PutBackupVaultAccessPolicy',
        'backup:DeleteBackupPlan',
      ]),
    );
    expect(s?.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });
});

describe('human access to the vault organization (SCP)', () => {
  const access = (edits: [string, unknown][]) =>
    guardrails(quickstart(edits.map(([key, value]) => [['access', key], value])));
  const sid = (g: Guardrail[], name: string) =>
    g.find((x) => x.name === 'airgap-vault-organization')!.document.Statement.find((s) => s.Sid === name);

  it('refuses every call by a person without MFA, exempting AWS services and the service roles by name', () => {
    const s = statement('airgap-vault-organization', 'DenyPeopleWithoutMfa');
    expect(s?.NotAction).toEqual(expect.arrayContaining(['sts:GetSessionToken', 'iam:EnableMFADevice']));
    expect(s?.Condition).toEqual({
      BoolIfExists: {
        'aws:MultiFactorAuthPresent': 'false',
        'aws:PrincipalIsAWSService': 'false',
        'aws:ViaAWSService': 'false',
      },
      ArnNotLike: {
        'aws:PrincipalArn': [
          'arn:aws:iam::*:role/AirGapSnapshotCopier',
          'arn:aws:iam::*:role/AirGapRetention',
          'arn:aws:iam::*:role/AirGapConfigRecorder',
          'arn:aws:iam::*:role/AirGapBackupRestoreService',
          'arn:aws:iam::*:role/AirGapRestoreValidator',
          'arn:aws:iam::*:role/AirGapCopyFlow*',
          'arn:aws:iam::*:role/AirGapRestoreFlow*',
          'arn:aws:iam::*:role/AirGapRpoMonitor',
          'arn:aws:iam::*:role/AirGapAuditor',
          'arn:aws:iam::*:role/AirGapVaultBackup',
          'arn:aws:iam::*:role/AirGapLogReplication',
        ],
      },
    });
  });

  it('a service role name that others extend exempts them all by one pattern; unrelated names stay exact', () => {
    expect(serviceRolePatterns(['AirGapCopyFlow', 'AirGapRetention', 'AirGapCopyFlowStart'])).toEqual([
      'arn:aws:iam::*:role/AirGapCopyFlow*',
      'arn:aws:iam::*:role/AirGapRetention',
    ]);
  });

  it('nobody but break-glass creates a role with a service role name: it would pass the rules for people unasked', () => {
    // The MFA and network rules exempt service roles by name (AirGapCopyFlow* included), in every vault account.
    const created = 'arn:aws:iam::222222222222:role/AirGapCopyFlowUnasked';
    const denies = all
      .filter((g) => g.organization === 'vault' && g.kind === 'SCP')
      .flatMap((g) => g.document.Statement)
      .filter(
        (s) =>
          s.Effect === 'Deny' &&
          [s.Action ?? []].flat().some((a) => glob(a, true)('iam:CreateRole')) &&
          [s.Resource ?? []].flat().some((r) => glob(r, false)(created)),
      );
    expect(denies.map((s) => s.Condition)).toContainEqual({
      ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AirGapBreakGlass' },
    });
  });

  it('refuses calls from outside access.allowedCidrs, except break-glass, which may come from anywhere', () => {
    const s = statement('airgap-vault-organization', 'DenyPeopleOutsideAllowedNetworks');
    expect(s?.Action).toEqual(['*']);
    expect(s?.Condition?.['NotIpAddress']).toEqual({
      'aws:SourceIp': ['203.0.113.0/24', '2001:db8:1234::/48'],
    });
    expect(s?.Condition?.['ArnNotLike']?.['aws:PrincipalArn']).toContain(
      'arn:aws:iam::*:role/AirGapBreakGlass',
    );
    expect(sid(access([['allowedCidrs', []]]), 'DenyPeopleOutsideAllowedNetworks')).toBeUndefined();
  });

  it('break-glass is not exempt from MFA', () => {
    expect(JSON.stringify(statement('airgap-vault-organization', 'DenyPeopleWithoutMfa'))).not.toContain(
      'AirGapBreakGlass',
    );
  });

  it('a configured break-glass role becomes every exception of both organizations', () => {
    const g = access([['breakGlassRole', 'Emergency-Vault']]);
    const text = JSON.stringify(g);
    expect(text).toContain('arn:aws:iam::*:role/Emergency-Vault');
    expect(text).not.toContain('AirGapBreakGlass');
  });

  it('exempts Identity Center sessions from MFA (never from the networks) only when configured', () => {
    expect(JSON.stringify(all)).not.toContain(IDENTITY_CENTER_ROLES);
    const g = access([['identityCenterEnforcesMfa', true]]);
    expect(sid(g, 'DenyPeopleWithoutMfa')?.Condition?.['ArnNotLike']?.['aws:PrincipalArn']).toContain(
      IDENTITY_CENTER_ROLES,
    );
    expect(JSON.stringify(sid(g, 'DenyPeopleOutsideAllowedNetworks'))).not.toContain('sso.amazonaws.com');
  });

  it(`fits the size limit with ${MAX_ALLOWED_CIDRS} of the longest IPv6 ranges`, () => {
    const longest = Array.from(
      { length: MAX_ALLOWED_CIDRS },
      (_, i) => `2001:db8:ffff:ffff:ffff:ffff:ffff:${(0xff00 + i).toString(16)}/128`,
    );
    for (const g of access([
      ['allowedCidrs', longest],
      ['breakGlassRole', 'x'.repeat(64)],
      ['identityCenterEnforcesMfa', true],
    ])) {
      expect(policySize(g.document), g.name).toBeLessThanOrEqual(POLICY_SIZE_LIMIT);
    }
  });
});
