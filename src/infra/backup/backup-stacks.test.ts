import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { outDir } from '../../../test/support/outdir.js';
import { everyBackupOption, quickstart, vaultElsewhere } from '../../../test/support/config.js';
import { BACKUP_AUDIT_MANAGER_CONTROLS } from '../../audit/rules/backup.js';
import type { Config } from '../../config/index.js';
import { buildApp, TEMPLATES_ONLY, type RoleStack } from '../app.js';

// Synthesized once per config (without cdk-nag, which test/synth.test.ts runs over the same stacks).
function build(config: Config): Record<string, RoleStack> {
  const { stacks } = buildApp(config, outDir('backup-test'), TEMPLATES_ONLY);
  // The global source template (the backup path's) as 'workload'; its regional half holds nothing of AWS Backup.
  return Object.fromEntries(
    stacks.filter((s) => !s.stack.stackName.endsWith('-source-regional')).map((s) => [s.role, s]),
  );
}
function templates(config: Config): Record<string, Template> {
  return Object.fromEntries(
    Object.entries(build(config)).map(([role, s]) => [role, Template.fromStack(s.stack)]),
  );
}

const LAG_ARN = 'arn:aws:backup:us-east-1:100000000004:backup-vault:quickstart-airgap-lag';
const BACKUP_ARN = 'arn:aws:backup:us-east-1:100000000003:backup-vault:quickstart-airgap-backup';
let stacks: Record<string, RoleStack>;
let t: Record<string, Template>;
beforeAll(() => {
  stacks = build(quickstart());
  t = Object.fromEntries(Object.entries(stacks).map(([role, s]) => [role, Template.fromStack(s.stack)]));
});

/** A standard vault under its compliance lock ([min, max, grace days]), retained, under its own retained, rotating key. */
function expectLockedVault(tpl: Template, name: string, [min, max, grace]: [number, number, number]): void {
  const [keyId] = Object.entries(
    tpl.findResources('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp(name) },
    }),
  ).map(([id]) => id);
  expect(keyId, `the key of ${name}`).toBeDefined();
  tpl.hasResource('AWS::Backup::BackupVault', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      BackupVaultName: name,
      EncryptionKeyArn: { 'Fn::GetAtt': [keyId, 'Arn'] },
      LockConfiguration: { MinRetentionDays: min, MaxRetentionDays: max, ChangeableForDays: grace },
    }),
  });
}

interface ReportPlan {
  Properties: {
    ReportSetting: { ReportTemplate: string; FrameworkArns?: unknown };
    ReportDeliveryChannel: { S3BucketName: unknown };
  };
}
const reportPlans = (tpl: Template) =>
  Object.values(tpl.findResources('AWS::Backup::ReportPlan')) as ReportPlan[];
/** Backup, copy and restore job reports, and control and resource compliance: by AWS's template names. */
const JOB_AND_COMPLIANCE_REPORTS = [
  'BACKUP_JOB_REPORT',
  'CONTROL_COMPLIANCE_REPORT',
  'COPY_JOB_REPORT',
  'RESOURCE_COMPLIANCE_REPORT',
  'RESTORE_JOB_REPORT',
];

interface PolicyStatement {
  Sid: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: unknown;
}
const statements = (tpl: Template, type: string): PolicyStatement[] =>
  Object.values(tpl.findResources(type)).flatMap(
    (r) =>
      (r as { Properties: { AccessPolicy: { Statement: PolicyStatement[] } } }).Properties.AccessPolicy
        .Statement,
  );

describe('AWS Backup path: workload StackSet template', () => {
  it('threat #9/#21: the local vault is Vault Lock compliance (min/max retention, 3 days of grace) with its own key', () => {
    expectLockedVault(t['workload']!, 'quickstart-airgap-local', [7, 3650, 3]);
  });

  it('threat #21: the vault access policy denies every principal deleting recovery points, lifecycles, the vault and its lock', () => {
    const deny = statements(t['workload']!, 'AWS::Backup::BackupVault').find(
      (s) => s.Sid === 'DenyRecoveryPointDeletionAndLockRemoval',
    );
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Principal).toEqual({ AWS: '*' });
    expect(deny?.Condition).toBeUndefined();
    expect(deny?.Action).toEqual(
      expect.arrayContaining([
        'backup:DeleteRecoveryPoint',
        'backup:UpdateRecoveryPointLifecycle',
        'backup:DeleteBackupVault',
        'backup:DeleteBackupVaultLockConfiguration',
        'backup:DeleteBackupVaultAccessPolicy',
      ]),
    );
  });

  it('the local vault takes copies from no other account', () => {
    const policy = statements(t['workload']!, 'AWS::Backup::BackupVault');
    expect(policy.find((s) => s.Sid === 'AllowCopyInFromNamedAccounts')).toBeUndefined();
    expect(policy.find((s) => s.Sid === 'DenyCopyInFromAnyOtherAccount')).toEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'backup:CopyIntoBackupVault',
      }),
    );
    expect(policy.find((s) => s.Sid === 'DenyCopyInFromAnyOtherAccount')?.Condition).toBeUndefined();
  });

  it('the plan backs up on the schedule into the local vault and copies to the backup account and the air-gapped vault with their lifecycles', () => {
    t['workload']!.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'quickstart-airgap',
        BackupPlanRule: [
          {
            RuleName: 'airgap-daily',
            TargetBackupVault: 'quickstart-airgap-local',
            ScheduleExpression: 'cron(0 5 ? * * *)',
            Lifecycle: { DeleteAfterDays: 7 },
            CopyActions: [
              { DestinationBackupVaultArn: BACKUP_ARN, Lifecycle: { DeleteAfterDays: 35 } },
              { DestinationBackupVaultArn: LAG_ARN, Lifecycle: { DeleteAfterDays: 90 } },
            ],
            RecoveryPointTags: { 'airgap:deployment': 'quickstart' },
          },
        ],
      },
    });
  });

  it('schedule and lifecycles follow the config', () => {
    const wl = templates(
      quickstart([
        [['backup', 'schedule'], 'cron(0 */4 ? * * *)'],
        [['backup', 'localRetentionDays'], 14],
        [['backup', 'airGapRetentionDays'], 365],
      ]),
    )['workload']!;
    wl.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 */4 ? * * *)',
            Lifecycle: { DeleteAfterDays: 14 },
            CopyActions: [
              Match.objectLike({ Lifecycle: { DeleteAfterDays: 35 } }),
              Match.objectLike({ Lifecycle: { DeleteAfterDays: 365 } }),
            ],
          }),
        ],
      },
    });
  });

  it('selects by the BackupResources parameter and by tag-selection parameters, each only when the instance fills it', () => {
    const wl = t['workload']!;
    wl.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { SelectionName: 'airgap-named', Resources: { Ref: 'BackupResources' } },
    });
    wl.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'airgap-tags-1',
        Resources: [{ 'Fn::Select': [0, { Ref: 'BackupTagSelection1' }] }],
        Conditions: {
          StringEquals: Match.arrayWith([
            {
              ConditionKey: {
                'Fn::Join': ['', ['aws:ResourceTag/', { 'Fn::Select': [1, { Ref: 'BackupTagSelection1' }] }]],
              },
              ConditionValue: { 'Fn::Select': [2, { Ref: 'BackupTagSelection1' }] },
            },
          ]),
        },
      },
    });
    for (const s of Object.values(wl.findResources('AWS::Backup::BackupSelection'))) {
      expect((s as { Condition?: string }).Condition).toMatch(/HasBackupResources|HasTags\d/);
    }
    expect(stacks['workload']!.instances).toEqual([
      expect.objectContaining({
        account: '100000000002',
        parameters: expect.objectContaining({
          BackupResources:
            'arn:aws:s3:::payments-invoices,arn:aws:rds:us-east-1:100000000002:db:payments-db,arn:aws:rds:us-east-1:100000000002:cluster:payments-ledger',
          BackupTagSelection1: 'arn:aws:ec2:*:*:volume/*,airgap,protect,airgap,protect,airgap,protect',
          BackupTagSelection2: '',
        }),
      }),
    ]);
  });

  it('the source template holds no workload account id and is byte-identical for one account or three', () => {
    const accounts = [
      { id: '100000000002', name: 'payments' },
      { id: '100000000005', name: 'ledger' },
      { id: '100000000006', name: 'media' },
    ];
    const three = build(
      quickstart([
        [['organizations', 'source', 'workloadAccounts'], accounts],
        [
          ['protect', 'ebs'],
          [
            { account: '100000000002', tags: { airgap: 'protect' } },
            { account: '100000000005', tags: { tier: 'gold', team: 'ledger' } },
          ],
        ],
        [['protect', 'aurora'], [{ account: '100000000006', names: ['media-db'] }]],
      ]),
    )['workload']!;
    const one = JSON.stringify(Template.fromStack(stacks['workload']!.stack).toJSON());
    expect(JSON.stringify(Template.fromStack(three.stack).toJSON())).toBe(one);
    expect(one).not.toMatch(/10000000000[256]/);
    const ledger = three.instances.find((i) => i.account === '100000000005')!.parameters;
    expect(ledger['BackupTagSelection1']).toBe('arn:aws:ec2:*:*:volume/*,tier,gold,team,ledger,tier,gold');
    expect(ledger['BackupResources']).toBe('');
    expect(three.instances.find((i) => i.account === '100000000006')!.parameters['BackupResources']).toBe(
      'arn:aws:rds:us-east-1:100000000006:cluster:media-db',
    );
  });

  it('S3 continuous backup gets its own plan selecting only S3 buckets: named ones and S3 tag selections', () => {
    const wl = templates(quickstart([[['backup', 'continuousS3'], true]]))['workload']!;
    wl.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 7 } }),
        ],
      },
    });
    const named = Object.values(wl.findResources('AWS::Backup::BackupSelection')).find(
      (r) =>
        (r as { Properties: { BackupSelection: { SelectionName: string } } }).Properties.BackupSelection
          .SelectionName === 'airgap-s3-named',
    ) as { Condition: string; Properties: { BackupSelection: { Resources: unknown } } };
    expect(named.Condition).toBe('HasProtectedBuckets');
    expect(JSON.stringify(named.Properties.BackupSelection.Resources)).toContain('ProtectedBuckets');
    const conditions = wl.toJSON()['Conditions'] as Record<string, unknown>;
    const s3Slot = Object.entries(conditions).find(([k]) => /ContinuousS3HasTags1/.test(k))?.[1];
    expect(s3Slot).toEqual({
      'Fn::Equals': [{ 'Fn::Select': [0, { Ref: 'BackupTagSelection1' }] }, 'arn:aws:s3:::*'],
    });
  });

  it('primaryToAirGap makes the local vault logically air-gapped and still copies to both other layers', () => {
    const wl = templates(quickstart([[['backup', 'primaryToAirGap'], true]]))['workload']!;
    wl.resourceCountIs('AWS::Backup::BackupVault', 0);
    wl.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      BackupVaultName: 'quickstart-airgap-local',
      MinRetentionDays: 7,
    });
    wl.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [
              Match.objectLike({ DestinationBackupVaultArn: BACKUP_ARN }),
              Match.objectLike({ DestinationBackupVaultArn: LAG_ARN }),
            ],
          }),
        ],
      },
    });
  });
});

describe('AWS Backup path: every option on (one build)', () => {
  const TEAM = 'arn:aws:mpa::200000000001:approval-team/abc123';
  let all: Record<string, Template>;
  beforeAll(() => {
    all = templates(everyBackupOption());
  });

  it('threat #9: Vault Lock min/max retention and grace days come from backup.vaultLock, in the backup account vault too', () => {
    expectLockedVault(all['backup']!, 'quickstart-airgap-backup', [14, 400, 5]);
  });

  it('primary backup straight into a logically air-gapped local vault: its own range, no copies in, deletion denied; the plan writes there', () => {
    const wl = all['workload']!;
    wl.resourceCountIs('AWS::Backup::BackupVault', 0);
    wl.hasResource('AWS::Backup::LogicallyAirGappedBackupVault', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BackupVaultName: 'quickstart-airgap-local',
        MinRetentionDays: 21,
        MaxRetentionDays: 500,
      }),
    });
    const policy = statements(wl, 'AWS::Backup::LogicallyAirGappedBackupVault');
    expect(policy.find((s) => s.Sid === 'DenyRecoveryPointDeletionAndLockRemoval')?.Effect).toBe('Deny');
    expect(policy.find((s) => s.Sid === 'AllowCopyInFromNamedAccounts')).toBeUndefined();
    expect(policy.find((s) => s.Sid === 'DenyCopyInFromAnyOtherAccount')?.Condition).toBeUndefined();
    const rules = Object.values(wl.findResources('AWS::Backup::BackupPlan')).flatMap(
      (p) =>
        (p as { Properties: { BackupPlan: { BackupPlanRule: { TargetBackupVault: string }[] } } }).Properties
          .BackupPlan.BackupPlanRule,
    );
    expect(rules.map((r) => r.TargetBackupVault)).toEqual([
      'quickstart-airgap-local',
      'quickstart-airgap-local',
    ]);
  });

  it('the air-gapped vault in another region: the workload plan copies there and the framework adds the cross-region control', () => {
    all['workload']!.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            CopyActions: Match.arrayWith([
              Match.objectLike({
                DestinationBackupVaultArn:
                  'arn:aws:backup:us-west-2:100000000004:backup-vault:quickstart-airgap-lag',
              }),
            ]),
          }),
        ],
      },
    });
    const c = controls(all['workload']!);
    expect(params(c['BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION'])).toEqual({ crossRegionList: 'us-west-2' });
    // The ten controls, each by the name AWS gives it.
    expect(Object.keys(c).sort()).toEqual([
      'BACKUP_LAST_RECOVERY_POINT_CREATED',
      'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
      'BACKUP_RECOVERY_POINT_ENCRYPTED',
      'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
      'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
      'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
      'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
      'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT',
      'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION',
      'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
    ]);
    // With the primary backup in the local air-gapped vault, the lock control judges that vault's range.
    expect(params(c['BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK'])).toEqual({
      minRetentionDays: '21',
      maxRetentionDays: '500',
    });
  });

  it('threat #23: the air-gapped vault keeps the AWS-owned key (no CMK to ransom or lose with the account) and carries the MPA team', () => {
    all['air-gap']!.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      BackupVaultName: 'quickstart-airgap-lag',
      EncryptionKeyArn: Match.absent(),
      MpaApprovalTeamArn: TEAM,
    });
    all['air-gap']!.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('S3 continuous backup: its own plan into the local vault, with the schedule and local retention of the config', () => {
    all['workload']!.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'quickstart-airgap-s3-continuous',
        BackupPlanRule: [
          {
            RuleName: 'airgap-s3-continuous',
            TargetBackupVault: 'quickstart-airgap-local',
            ScheduleExpression: 'cron(0 */6 ? * * *)',
            EnableContinuousBackup: true,
            Lifecycle: { DeleteAfterDays: 21 },
            RecoveryPointTags: { 'airgap:deployment': 'quickstart' },
          },
        ],
      },
    });
  });

  it('the backup account runs its own framework and report plans into its report bucket', () => {
    const plans = reportPlans(all['backup']!);
    expect(plans.map((p) => p.Properties.ReportSetting.ReportTemplate).sort()).toEqual(
      JOB_AND_COMPLIANCE_REPORTS,
    );
    for (const p of plans)
      expect(JSON.stringify(p.Properties.ReportDeliveryChannel.S3BucketName)).toMatch(/ReportsBucket/);
  });
});

describe('AWS Backup path: backup account and air-gap account', () => {
  it('threat #20: the backup account vault is locked, has its own key, and accepts copies only from the workload accounts', () => {
    const b = t['backup']!;
    expect(stacks['backup']!.instances.map((i) => i.account)).toEqual(['100000000003']);
    b.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'quickstart-airgap-backup',
      LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 3650, ChangeableForDays: 3 },
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupVaultKey'), 'Arn'] },
    });
    const policy = statements(b, 'AWS::Backup::BackupVault');
    expect(policy.find((s) => s.Sid === 'AllowCopyInFromNamedAccounts')).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::100000000002:root' },
      Action: 'backup:CopyIntoBackupVault',
    });
    expect(policy.find((s) => s.Sid === 'DenyCopyInFromAnyOtherAccount')).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['100000000002'] } },
    });
  });

  it('threat #21: the air-gapped vault lives in the air-gap account with min/max retention and the deny-deletion policy', () => {
    expect(stacks['air-gap']!.instances.map((i) => i.account)).toEqual(['100000000004']);
    t['air-gap']!.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      BackupVaultName: 'quickstart-airgap-lag',
      MinRetentionDays: 7,
      MaxRetentionDays: 3650,
      AccessPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyRecoveryPointDeletionAndLockRemoval', Effect: 'Deny' }),
          Match.objectLike({
            Sid: 'DenyCopyInFromAnyOtherAccount',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['100000000002'] } },
          }),
        ]),
      },
    });
    t['air-gap']!.hasResource('AWS::Backup::LogicallyAirGappedBackupVault', { DeletionPolicy: 'Retain' });
  });

  it('threat #22: the air-gapped vault (a source-organization account) is shared through RAM with the restore account of the vault organization only', () => {
    expect(stacks['air-gap']!.instances.map((i) => i.account)).toEqual(['100000000004']);
    t['air-gap']!.resourceCountIs('AWS::RAM::ResourceShare', 1);
    t['air-gap']!.hasResourceProperties('AWS::RAM::ResourceShare', {
      Principals: ['200000000004'],
      ResourceArns: [{ 'Fn::GetAtt': [Match.anyValue(), 'BackupVaultArn'] }],
      // Another organization: a logically air-gapped vault may be shared across organizations, for restores.
      AllowExternalPrincipals: true,
    });
  });

  it('threat #23: associates the multi-party approval team where configured, and none otherwise', () => {
    const team = 'arn:aws:mpa::200000000001:approval-team/abc123';
    const withTeam = templates(quickstart([[['backup', 'mpaApprovalTeamArn'], team]]))['air-gap']!;
    withTeam.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      MpaApprovalTeamArn: team,
    });
    t['air-gap']!.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      MpaApprovalTeamArn: Match.absent(),
    });
  });

  it('the restore account passes only the AWS Backup restore service role, whose S3 deletes are bounded to restore buckets', () => {
    const r = t['restore']!;
    r.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapBackupRestoreService',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      },
      Policies: [
        {
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
                Resource: 'arn:aws:s3:::airgap-restore-*/*',
              }),
            ],
          },
          PolicyName: 'versionedRestore',
        },
      ],
    });
    r.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['backup:StartRestoreJob', 'backup:GetRecoveryPointRestoreMetadata']),
          }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  it('with paths.backup off there is no backup resource and no backup parameter in any stack', () => {
    const off = build(
      quickstart([
        [['paths', 'backup'], false],
        [['backup', 'airGappedVault'], false],
      ]),
    );
    expect(Object.keys(off)).not.toContain('backup');
    expect(Object.keys(off)).not.toContain('air-gap');
    expect(Object.keys(off)).toEqual(expect.arrayContaining(['restore', 'vault', 'workload']));
    for (const s of Object.values(off)) {
      expect(JSON.stringify(Template.fromStack(s.stack).toJSON())).not.toMatch(
        /AWS::Backup::|BackupResources/,
      );
    }
    expect(Object.keys(off['workload']!.instances[0]!.parameters).filter((k) => /Backup/.test(k))).toEqual(
      [],
    );
  });
});

interface Control {
  ControlName: string;
  ControlInputParameters: { ParameterName: string; ParameterValue: string }[];
  ControlScope?: { ComplianceResourceTypes: string[] };
}
const controls = (tpl: Template): Record<string, Control> => {
  const [framework] = Object.values(tpl.findResources('AWS::Backup::Framework')) as {
    Properties: { FrameworkControls: Control[] };
  }[];
  return Object.fromEntries(framework!.Properties.FrameworkControls.map((c) => [c.ControlName, c]));
};
const params = (c: Control | undefined) =>
  Object.fromEntries((c?.ControlInputParameters ?? []).map((p) => [p.ParameterName, p.ParameterValue]));

describe('AWS Backup path: Backup Audit Manager', () => {
  it('the workload framework has every control the issue names, with parameters from the config (one region: no cross-region)', () => {
    const c = controls(t['workload']!);
    expect(Object.keys(c).sort()).toEqual(
      BACKUP_AUDIT_MANAGER_CONTROLS.filter((n) => n !== 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION').sort(),
    );
    expect(params(c['BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK'])).toEqual({
      requiredRetentionDays: '7',
    });
    expect(params(c['BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK'])).toEqual({
      requiredFrequencyUnit: 'hours',
      requiredFrequencyValue: '4',
      requiredRetentionDays: '7',
    });
    expect(params(c['BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK'])).toEqual({
      minRetentionDays: '7',
      maxRetentionDays: '3650',
    });
    expect(params(c['BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT'])).toEqual({
      crossAccountList: '100000000003,100000000004',
    });
    expect(params(c['BACKUP_LAST_RECOVERY_POINT_CREATED'])).toEqual({
      recoveryPointAgeUnit: 'hours',
      recoveryPointAgeValue: '4',
    });
    expect(params(c['RESTORE_TIME_FOR_RESOURCES_MEET_TARGET'])).toEqual({ maxRestoreTime: '240' });
    // Manual deletion disabled with no exempt principal at all.
    expect(params(c['BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED'])).toEqual({});
    expect(c['BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN']?.ControlScope).toEqual({
      ComplianceResourceTypes: ['S3', 'RDS', 'Aurora', 'EBS'],
    });
  });

  it('adds the cross-region control when a copy leaves the backup region, and follows the restore target', () => {
    const config = quickstart([...vaultElsewhere('us-west-2'), [['backup', 'restoreTimeTargetMinutes'], 90]]);
    const c = controls(templates(config)['workload']!);
    expect(params(c['BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION'])).toEqual({ crossRegionList: 'us-west-2' });
    expect(params(c['RESTORE_TIME_FOR_RESOURCES_MEET_TARGET'])).toEqual({ maxRestoreTime: '90' });
  });

  it('every workload account reports backup, copy and restore jobs and compliance into the backup account bucket', () => {
    const plans = reportPlans(t['workload']!);
    expect(plans.map((p) => p.Properties.ReportSetting.ReportTemplate).sort()).toEqual(
      JOB_AND_COMPLIANCE_REPORTS,
    );
    for (const p of plans) {
      expect(p.Properties.ReportDeliveryChannel.S3BucketName).toBe('quickstart-airgap-reports-100000000003');
      expect(p.Properties.ReportSetting.FrameworkArns === undefined).toBe(
        !p.Properties.ReportSetting.ReportTemplate.endsWith('COMPLIANCE_REPORT'),
      );
    }
  });

  it('the report bucket takes reports only from the Backup Audit Manager role of source-organization accounts', () => {
    const b = t['backup']!;
    b.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'quickstart-airgap-reports-100000000003',
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicPolicy: true }),
    });
    b.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'BackupAuditManagerReportsFromSourceOrganization',
            Action: 's3:PutObject',
            Condition: {
              StringEquals: {
                'aws:PrincipalOrgID': 'o-source0001',
                's3:x-amz-acl': 'bucket-owner-full-control',
              },
              ArnLike: {
                'aws:PrincipalArn':
                  'arn:aws:iam::*:role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports',
              },
            },
          }),
        ]),
      },
    });
    expect(Object.keys(controls(b)).sort()).toEqual([
      'BACKUP_RECOVERY_POINT_ENCRYPTED',
      'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
      'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
    ]);
    expect(params(controls(b)['BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK'])).toEqual({
      requiredRetentionDays: '35',
    });
  });

  it('without a backup account the workload framework stays and no report plan is made', () => {
    const config = quickstart();
    delete config.organizations.source.backupAccount;
    const wl = templates(config)['workload']!;
    wl.resourceCountIs('AWS::Backup::Framework', 1);
    wl.resourceCountIs('AWS::Backup::ReportPlan', 0);
    expect(params(controls(wl)['BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT'])).toEqual({
      crossAccountList: '100000000004',
    });
  });
});

describe('AWS Backup path: restore testing in the restore account', () => {
  it('weekly restores the newest point of each S3 bucket and Aurora cluster from the RAM-shared air-gapped vault', () => {
    const r = t['restore']!;
    r.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'quickstart_airgap_restore_test',
      ScheduleExpression: 'cron(0 6 ? * SUN *)',
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [LAG_ARN],
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
    const selections = Object.values(r.findResources('AWS::Backup::RestoreTestingSelection')) as {
      Properties: { ProtectedResourceType: string; IamRoleArn: unknown };
    }[];
    expect(selections.map((s) => s.Properties.ProtectedResourceType).sort()).toEqual(['Aurora', 'S3']);
    for (const s of selections)
      expect(JSON.stringify(s.Properties.IamRoleArn)).toMatch(/BackupRestoreServiceRole/);
  });

  it('each selection keeps the restored resource for the validation window before AWS Backup deletes it', () => {
    const selections = Object.values(t['restore']!.findResources('AWS::Backup::RestoreTestingSelection')) as {
      Properties: { ValidationWindowHours?: number };
    }[];
    expect(selections.map((s) => s.Properties.ValidationWindowHours)).toEqual([2, 2]);
  });

  it('the validation function runs on every completed restore of this restore testing plan, and only those', () => {
    const r = t['restore']!;
    const [rule] = Object.values(
      r.findResources('AWS::Events::Rule', {
        Properties: { Name: 'quickstart-airgap-restore-test-completed' },
      }),
    ) as { Properties: { EventPattern: unknown; Targets: { Arn: unknown; RetryPolicy: unknown }[] } }[];
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      detail: {
        status: ['COMPLETED'],
        restoreTestingPlanArn: [
          { 'Fn::GetAtt': [expect.stringMatching(/RestoreTestingPlan/), 'RestoreTestingPlanArn'] },
        ],
      },
    });
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/ValidatorFunction/), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
      }),
    ]);
    r.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('ValidatorFunction'), 'Arn'] },
    });
  });

  it('the validation function is the bundled restore-validator handler (AirgapFunction: Node.js 22, arm64, X-Ray), code in the restore account asset bucket, logs under the restore key', () => {
    const r = t['restore']!;
    r.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('ValidatorRole'), 'Arn'] },
      Code: {
        S3Bucket: 'airgap-assets-200000000004-us-east-1',
        S3Key: Match.stringLikeRegexp('^quickstart/'),
      },
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'airgap-restore-validator' }),
      },
    });
    r.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/airgap/quickstart/restore-validator',
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreKey'), 'Arn'] },
    });
  });

  it('threat #30: the validator role only reports results and reads what restores create in this account; it changes nothing', () => {
    const [role] = Object.values(
      t['restore']!.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AirGapRestoreValidator' } }),
    ) as {
      Properties: {
        AssumeRolePolicyDocument: unknown;
        Policies: {
          PolicyDocument: {
            Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
          };
        }[];
      };
    }[];
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
    const granted = role!.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(granted).toEqual([
      {
        Sid: 'ReportRestoreTestValidation',
        Effect: 'Allow',
        Action: 'backup:PutRestoreValidationResult',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
      {
        Sid: 'ListBucketsOfThisAccount',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::*',
        Condition: { StringEquals: { 's3:ResourceAccount': '200000000004' } },
      },
      {
        Sid: 'ReadRestoreJobsAndRecoveryPointMetadata',
        Effect: 'Allow',
        Action: ['backup:DescribeRestoreJob', 'backup:GetRecoveryPointRestoreMetadata'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      },
      {
        Sid: 'DescribeClustersOfThisAccount',
        Effect: 'Allow',
        Action: 'rds:DescribeDBClusters',
        Resource: 'arn:aws:rds:us-east-1:200000000004:cluster:*',
      },
      {
        Sid: 'DescribeRestoreKey',
        Effect: 'Allow',
        Action: 'kms:DescribeKey',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/RestoreKey/), 'Arn'] },
      },
    ]);
    // What AirgapFunction adds: its own log group and X-Ray traces, nothing else.
    const added = Object.values(
      t['restore']!.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ValidatorRole') }] },
      }),
    ).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
      ).Properties.PolicyDocument.Statement.flatMap((s) => s.Action),
    );
    expect([...new Set(added)].sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('backup.restoreTesting: false leaves out the plan, the validation function and its rule', () => {
    const r = templates(quickstart([[['backup', 'restoreTesting'], false]]))['restore']!;
    r.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
    r.resourceCountIs('AWS::Lambda::Function', 0);
    r.resourceCountIs('AWS::Events::Rule', 0);
  });
});
