import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { buildApp } from '../app.js';

const config = quickstart();
let vault: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, '/tmp/airgap-snapshot-copier-test', { nag: false });
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
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'airgap-snapshot-copier',
          POWERTOOLS_METRICS_NAMESPACE: 'AirGapRecover',
          VAULT_ACCOUNT: '200000000002',
          SOURCE_REGIONS: 'us-east-1',
          RETENTION_DAYS: '30',
        }),
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
