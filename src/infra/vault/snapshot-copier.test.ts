import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';

const config = quickstart();
let vault: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('snapshot-copier-test'), TEMPLATES_ONLY);
  vault = Template.fromStack(stacks.find((s) => s.stack.stackName === 'quickstart-airgap-vault')!.stack);
});

describe('vault copier function (AirgapFunction)', () => {
  it('runs the bundled handler on Node.js 22, arm64, X-Ray active, code from the vault asset bucket', () => {
    vault.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      ReservedConcurrentExecutions: 1,
      Code: {
        S3Bucket: 'airgap-assets-200000000002-us-east-1',
        S3Key: Match.stringLikeRegexp('^quickstart/'),
      },
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'airgap-snapshot-copier',
          POWERTOOLS_METRICS_NAMESPACE: 'AirGapRecover',
          AIRGAP_DEPLOYMENT: 'quickstart',
          AIRGAP_SETTINGS: '/airgap/quickstart/snapshot-copier/settings',
        },
      },
    });
  });

  it('keeps its settings in SSM Parameter Store, readable by its own role only at its own path', () => {
    vault.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/airgap/quickstart/snapshot-copier/settings/000',
      Type: 'String',
      Tier: 'Standard',
      Value: JSON.stringify({
        deployment: 'quickstart',
        vaultAccount: '200000000002',
        region: 'us-east-1',
        sourceRegions: ['us-east-1'],
        retentionDays: 30,
        catalogTable: 'quickstart-airgap-catalog',
      }),
    });
    vault.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('SnapshotCopierRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'ReadOwnSettings',
            Action: 'ssm:GetParametersByPath',
            Resource:
              'arn:aws:ssm:us-east-1:200000000002:parameter/airgap/quickstart/snapshot-copier/settings',
          }),
        ]),
      },
    });
  });

  it('logs to a named log group with a retention, encrypted with the vault key', () => {
    vault.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/airgap/quickstart/snapshot-copier',
      RetentionInDays: 365,
      KmsKeyId: Match.anyValue(),
    });
    vault.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchLogsEncryptsAirGapLogGroups',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn':
                  'arn:aws:logs:us-east-1:200000000002:log-group:/airgap/quickstart/*',
              },
            },
          }),
        ]),
      },
    });
  });

  it('runs as AirGapSnapshotCopier, trusted by Lambda only, locking EBS copies in compliance mode only', () => {
    const roles = vault.findResources('AWS::IAM::Role', {
      Properties: { RoleName: 'AirGapSnapshotCopier' },
    });
    const role = Object.values(roles)[0] as {
      Properties: {
        AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
        Policies: { PolicyDocument: { Statement: { Sid: string; Condition?: unknown }[] } }[];
      };
    };
    expect(role.Properties.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([
      { Service: 'lambda.amazonaws.com' },
    ]);
    const lock = role.Properties.Policies[0]!.PolicyDocument.Statement.find(
      (s) => s.Sid === 'LockEbsCopiesInComplianceMode',
    );
    expect(lock?.Condition).toEqual({ StringEquals: { 'ec2:SnapshotLockMode': 'compliance' } });
  });
});

describe('copy workflow (Step Functions)', () => {
  const definition = (): {
    States: Record<string, { Type: string; Next?: string; SecondsPath?: string; Retry?: unknown[] }>;
  } => {
    const sm = Object.values(
      vault.findResources('AWS::StepFunctions::StateMachine', {
        Properties: { StateMachineName: 'quickstart-airgap-copy' },
      }),
    )[0] as {
      Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
    };
    const text = sm.Properties.DefinitionString['Fn::Join'][1]
      .map((p) => (typeof p === 'string' ? p : 'ARN'))
      .join('');
    return JSON.parse(text) as ReturnType<typeof definition>;
  };

  it('runs the copier, waits with the backoff the run returns, and runs again while copies are pending', () => {
    const { States } = definition();
    expect(States['Copy, tag, lock and record']?.Type).toBe('Task');
    expect(States['Wait for copies (backoff)']).toMatchObject({
      SecondsPath: '$.run.summary.waitSeconds',
      Next: 'Copy, tag, lock and record',
    });
    expect(States['Copy, tag, lock and record']?.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException']) }),
      ]),
    );
    expect(Object.values(States).filter((s) => s.Type === 'Fail')).toHaveLength(2);
  });

  it('is started by snapshot events on the vault bus and by the snapshot schedule', () => {
    vault.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: Match.objectLike({ 'detail-type': Match.arrayWith(['EBS Snapshot Notification']) }),
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Workflow') } })],
    });
    vault.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(4 hours)',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Workflow') } })],
    });
  });

  it('logs every execution, traced, and alarms on failed and timed-out executions and copier errors', () => {
    vault.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut'])
      vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
        Threshold: 0,
      });
    vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      AlarmDescription: 'The snapshot copier function failed a run',
    });
  });
});

describe('retention sweeper function', () => {
  it('runs as AirGapRetention on the retention schedule and deletes only tagged EBS vault copies', () => {
    vault.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapRetention',
      Policies: [
        Match.objectLike({
          PolicyDocument: Match.objectLike({
            Statement: Match.arrayWith([
              Match.objectLike({
                Sid: 'DeleteRdsAndAuroraVaultCopies',
                Resource: [
                  'arn:aws:rds:*:200000000002:snapshot:airgap-*',
                  'arn:aws:rds:*:200000000002:cluster-snapshot:airgap-*',
                ],
              }),
              Match.objectLike({
                Sid: 'DeleteEbsVaultCopies',
                Action: 'ec2:DeleteSnapshot',
                Condition: { Null: { 'aws:ResourceTag/airgap:source-arn': 'false' } },
              }),
            ]),
          }),
        }),
      ],
    });
    vault.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'airgap-retention-sweeper' }) },
    });
    vault.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('RetentionSweeper'), 'Arn'] } }),
      ],
    });
  });
});
