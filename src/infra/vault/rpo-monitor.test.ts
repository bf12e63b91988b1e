import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import { buildApp } from '../app.js';
import { RPO_CHECK_MINUTES } from './rpo-monitor.js';

const config = quickstart();
let vault: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('rpo-monitor-test'), { nag: false });
  vault = Template.fromStack(stacks.find((s) => s.stack.stackName === 'quickstart-airgap-vault')!.stack);
});

describe('RPO monitor in the vault stack', () => {
  it('runs every 15 minutes with the snapshot-path scope of the config as its input', () => {
    const rules = vault.findResources('AWS::Events::Rule', {
      Properties: { ScheduleExpression: `rate(${RPO_CHECK_MINUTES} minutes)` },
    });
    const [rule] = Object.values(rules) as { Properties: { Targets: { Input: string }[] } }[];
    const scope = JSON.parse(rule!.Properties.Targets[0]!.Input) as {
      expected: { resource: string }[];
      rpoMinutes: Record<string, number>;
    };
    expect(scope.rpoMinutes).toEqual({ rds: 240, aurora: 240, ebs: 240 });
    expect(scope.expected.map((e) => e.resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^arn:aws:rds:us-east-1:100000000002:db:/)]),
    );
  });

  it('runs as AirGapRpoMonitor, which may only scan the catalog and decrypt it through DynamoDB', () => {
    vault.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AirGapRpoMonitor',
      Policies: [
        {
          PolicyDocument: {
            Statement: [
              Match.objectLike({ Sid: 'ReadCatalog', Action: 'dynamodb:Scan' }),
              Match.objectLike({
                Sid: 'DecryptCatalogThroughDynamoDb',
                Action: ['kms:Decrypt', 'kms:DescribeKey'],
                Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } },
              }),
            ],
          },
        },
      ],
    });
  });

  it('the RpoBreaches alarm reads what the monitor publishes, over two runs, treats silence as a breach and alerts the topic', () => {
    vault.hasResourceProperties('AWS::CloudWatch::Alarm', {
      TreatMissingData: 'breaching',
      Metrics: [
        Match.objectLike({
          Expression: 'SELECT MAX(RpoBreaches) FROM SCHEMA("AirGapRecover", Service)',
          Period: 2 * RPO_CHECK_MINUTES * 60,
        }),
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlertsTopic') }],
    });
  });
});
