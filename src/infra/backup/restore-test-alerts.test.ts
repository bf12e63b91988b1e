import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import type { Config } from '../../config/index.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';

function restoreTemplate(config: Config): Template {
  const { stacks } = buildApp(config, outDir('restore-test-alerts'), TEMPLATES_ONLY);
  return Template.fromStack(stacks.find((s) => s.stack.stackName === `${config.name}-airgap-restore`)!.stack);
}

let r: Template;
beforeAll(() => {
  r = restoreTemplate(quickstart());
});

const topicRef = { Ref: Match.stringLikeRegexp('RestoreTestingAlertsTopic') };

describe('AWS Backup path: alerts of restore testing in the restore account', () => {
  it('a topic under the restore key, with TLS enforced, subscribed by every alert e-mail', () => {
    r.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'quickstart-airgap-restore-test-alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreKey'), 'Arn'] },
    });
    r.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'recovery-team@example.com',
      TopicArn: topicRef,
    });
    r.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('threat #30: a failed validation alarms: the sum of RestoreTestFailures over every resource type, to the topic', () => {
    r.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('failed its validation'),
      Metrics: [
        Match.objectLike({
          Expression: 'SELECT SUM(RestoreTestFailures) FROM SCHEMA("AirGapRecover", ResourceType)',
        }),
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
    });
  });

  it('an erroring validation function alarms (AWS Backup would only show the test as timed out)', () => {
    r.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('ValidatorFunction') } }],
      Threshold: 0,
      AlarmActions: [topicRef],
    });
  });

  it('a restore job of the restore testing plan that fails or is aborted goes to the topic, with its id and reason', () => {
    const rules = Object.values(
      r.findResources('AWS::Events::Rule', { Properties: { Name: 'quickstart-airgap-restore-test-failed' } }),
    ) as {
      Properties: {
        EventPattern: unknown;
        Targets: { Arn: unknown; InputTransformer: { InputTemplate: string } }[];
      };
    }[];
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      detail: {
        status: ['FAILED', 'ABORTED'],
        restoreTestingPlanArn: [
          { 'Fn::GetAtt': [expect.stringMatching(/RestoreTestingPlan/), 'RestoreTestingPlanArn'] },
        ],
      },
    });
    const [target] = rules[0]!.Properties.Targets;
    expect(target!.Arn).toEqual({ Ref: expect.stringMatching(/RestoreTestingAlertsTopic/) });
    expect(target!.InputTransformer.InputTemplate).toMatch(
      /restore test job <detail-restoreJobId>.*<detail-statusMessage>/,
    );
  });

  it('threat #9: CloudWatch and EventBridge may use the restore key for the encrypted topic, only for this account', () => {
    r.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'RestoreTestAlertsPublishToEncryptedTopic',
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': '200000000004' } },
          }),
        ]),
      },
    });
  });

  it('no restore testing, no restore test alerts', () => {
    const off = restoreTemplate(quickstart([[['backup', 'restoreTesting'], false]]));
    off.resourceCountIs('AWS::SNS::Topic', 0);
    off.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('AWS Backup path: what the Aurora restore test validation reads', () => {
  it('the Aurora selection restores under the restore key, the key the validation expects', () => {
    r.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'Aurora',
      RestoreMetadataOverrides: { kmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RestoreKey'), 'Arn'] } },
    });
    r.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'S3',
      RestoreMetadataOverrides: Match.absent(),
    });
  });

  it('the validator may read the restore job, its recovery point metadata, the clusters of this account and the restore key, and change nothing', () => {
    const [role] = Object.values(
      r.findResources('AWS::IAM::Role', { Properties: { RoleName: 'AirGapRestoreValidator' } }),
    ) as {
      Properties: { Policies: { PolicyDocument: { Statement: { Sid: string; Action: unknown }[] } }[] };
    }[];
    const actions = Object.fromEntries(
      role!.Properties.Policies[0]!.PolicyDocument.Statement.map((s) => [s.Sid, s.Action]),
    );
    expect(actions).toMatchObject({
      ReadRestoreJobsAndRecoveryPointMetadata: [
        'backup:DescribeRestoreJob',
        'backup:GetRecoveryPointRestoreMetadata',
      ],
      DescribeClustersOfThisAccount: 'rds:DescribeDBClusters',
      DescribeRestoreKey: 'kms:DescribeKey',
    });
    const all = Object.values(actions).flat() as string[];
    expect(all.filter((a) => !/:(Describe|Get|List|PutRestoreValidationResult)/.test(a))).toEqual([]);
  });
});
