import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import { joinSettings } from '../../config/settings.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';
import { auditedAccounts } from './scheduled-audit.js';

const config = quickstart();
const templates: Record<string, Template> = {};
const VAULT = config.organizations.vault.vaultAccount;

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('scheduled-audit'), TEMPLATES_ONLY);
  for (const { stack } of stacks)
    templates[stack.stackName.replace('quickstart-airgap-', '')] = Template.fromStack(stack);
});

type PolicyDoc = { Statement: { Sid?: string; Action: string | string[]; Resource: unknown }[] };
/** Every statement of the AirGapAuditor role of a template: its inline policies and its default policy. */
function auditorStatements(t: Template): PolicyDoc['Statement'] {
  const roles = t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AirGapAuditor' } });
  const [id, role] = Object.entries(roles)[0]!;
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDoc }[]).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: id }]))
    .flatMap((p) => (p.Properties.PolicyDocument as PolicyDoc).Statement);
  return [...inline, ...attached];
}
const actions = (statements: PolicyDoc['Statement']) => statements.flatMap((s) => [s.Action].flat());

/** Reads, plus what the function itself needs: its logs, traces, settings, the alert and the read roles. */
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe|Scan)[A-Za-z*]*$/;

describe('scheduled drift audit (synth)', () => {
  it('runs the audit handler on schedules.audit, with the config in SSM Parameter Store', () => {
    const vault = templates['vault']!;
    vault.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AIRGAP_SETTINGS: '/airgap/quickstart/audit/settings' }) },
      TracingConfig: { Mode: 'Active' },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditRole'), 'Arn'] },
    });
    vault.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: config.schedules.audit,
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditFunction'), 'Arn'] } }),
      ],
    });
    const parts = Object.values(
      vault.findResources('AWS::SSM::Parameter', {
        Properties: { Name: Match.stringLikeRegexp('^/airgap/quickstart/audit/settings/') },
      }),
    ).map((p) => [p.Properties.Name as string, p.Properties.Value as string] as const);
    expect(joinSettings(Object.fromEntries(parts))).toEqual({ config });
  });

  it('its role reads, assumes only the audited accounts read roles, and publishes only to the alerts topic', () => {
    const statements = auditorStatements(templates['vault']!);
    const others = actions(statements).filter((a) => !READ_ONLY.test(a));
    expect(others.sort()).toEqual([
      'kms:Decrypt',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sts:AssumeRole',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const by = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(by('AssumeAuditReadRoles')?.Resource).toEqual(
      auditedAccounts(config).map((a) => `arn:aws:iam::${a}:role/AirGapAuditor`),
    );
    expect(auditedAccounts(config)).not.toContain(VAULT);
    expect(by('AlertOnFailedControls')?.Resource).toEqual({ Ref: expect.stringMatching(/^AlertsTopic/) });
    templates['vault']!.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapAuditor',
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      },
    });
  });

  it("threat #11: its role reads the state, policy and rotation of the vault and catalog keys, and of each other region's vault key by its alias", () => {
    const multi = quickstart([
      [
        ['organizations', 'source', 'regions'],
        ['us-east-1', 'eu-west-1'],
      ],
      [['protect', 'rds', 0, 'region'], 'eu-west-1'],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    const { stacks } = buildApp(multi, outDir('scheduled-audit-regions'), TEMPLATES_ONLY);
    const vault = stacks.find((s) => s.stack.stackName === 'quickstart-airgap-vault')!;
    const by = (sid: string) => auditorStatements(Template.fromStack(vault.stack)).find((s) => s.Sid === sid);
    const read = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus'];
    expect(by('ReadVaultAndCatalogKeys')?.Action).toEqual(read);
    expect(by('ReadRegionalVaultKeys')).toMatchObject({
      Action: read,
      Resource: `arn:aws:kms:eu-west-1:${VAULT}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/quickstart-airgap-vault' } },
    });
    expect(
      auditorStatements(templates['vault']!).find((s) => s.Sid === 'ReadRegionalVaultKeys'),
    ).toBeUndefined();
  });

  it('alarms on the alerts topic when a run fails', () => {
    templates['vault']!.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'The scheduled drift audit failed a run: the accounts were not checked',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlertsTopic') }],
    });
  });

  it.each([
    ['source', ['s3:GetReplicationConfiguration', 'backup:ListBackupVaults']],
    ['restore', ['iam:GetRole', 'kms:GetKeyPolicy', 'guardduty:GetDetector']],
    [
      'governance',
      ['organizations:ListPolicies', 'organizations:DescribePolicy', 'cloudtrail:GetTrailStatus'],
    ],
    [
      'log-archive',
      [
        'config:DescribeConfigurationRecorderStatus',
        'config:DescribeDeliveryChannels',
        's3:ListAllMyBuckets',
      ],
    ],
    ['air-gap', ['backup:ListRecoveryPointsByBackupVault']],
  ])(
    'the %s stack holds a read-only AirGapAuditor that only the vault audit role can assume',
    (name, reads) => {
      const t = templates[name]!;
      t.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'AirGapAuditor',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: {
                AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${VAULT}:root`]] },
              },
              Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${VAULT}:role/AirGapAuditor` } },
            },
          ],
        },
      });
      const granted = actions(auditorStatements(t));
      expect(granted).toEqual(expect.arrayContaining(reads));
      expect(granted.filter((a) => !READ_ONLY.test(a))).toEqual([]);
    },
  );
});
