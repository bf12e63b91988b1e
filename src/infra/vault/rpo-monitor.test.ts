import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { quickstart } from '../../../test/support/config.js';
import { outDir } from '../../../test/support/outdir.js';
import { buildApp, TEMPLATES_ONLY } from '../app.js';
import { joinSettings } from '../../config/settings.js';
import type { RpoMonitorSettings } from '../../handlers/rpo-monitor.js';
import { rpoScope } from '../../status/evaluate.js';
import { RPO_CHECK_MINUTES } from './rpo-monitor.js';

/** The RPO monitor's settings as the template stores them, joined as the handler joins them. */
const settingsOf = (t: Template): RpoMonitorSettings => {
  const parts = Object.values(
    t.findResources('AWS::SSM::Parameter', {
      Properties: { Name: Match.stringLikeRegexp('^/airgap/quickstart/rpo-monitor/settings/') },
    }),
  ).map((p) => [p.Properties.Name as string, text(p.Properties.Value)] as const);
  return joinSettings(Object.fromEntries(parts));
};
/** A parameter value as text: the table name is a reference until deploy, read here as `table`. */
const text = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
        .map((v) => (typeof v === 'string' ? v : 'table'))
        .join('');

const config = quickstart();
let vault: Template;

beforeAll(() => {
  const { stacks } = buildApp(config, outDir('rpo-monitor-test'), TEMPLATES_ONLY);
  vault = Template.fromStack(stacks.find((s) => s.stack.stackName === 'quickstart-airgap-vault')!.stack);
});

describe('RPO monitor in the vault stack', () => {
  it('runs every 15 minutes; the snapshot-path scope of the config is in its settings, not in the schedule input', () => {
    const rules = vault.findResources('AWS::Events::Rule', {
      Properties: { ScheduleExpression: `rate(${RPO_CHECK_MINUTES} minutes)` },
    });
    const [rule] = Object.values(rules) as { Properties: { Targets: { Input?: string }[] } }[];
    expect(rule!.Properties.Targets[0]!.Input).toBeUndefined();
    const { scope } = settingsOf(vault);
    expect(scope).toEqual(rpoScope(config));
    expect(scope.rpoMinutes).toEqual({ rds: 240, aurora: 240, ebs: 240 });
    expect(scope.expected.map((e) => e.resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^arn:aws:rds:us-east-1:100000000002:db:/)]),
    );
  });

  it('a scope over the 8,192 characters of a schedule input synthesizes: three accounts naming 120 databases each', () => {
    const accounts = ['100000000002', '100000000006', '100000000007'];
    const names = Array.from({ length: 120 }, (_, i) => `orders-db-${String(i).padStart(4, '0')}`);
    const many = quickstart([
      [['organizations', 'source', 'workloadAccounts'], accounts.map((id, i) => ({ id, name: `w${i}` }))],
      [['protect'], { rds: accounts.map((account) => ({ account, names })) }],
      [['paths', 'backup'], false],
      [['backup', 'airGappedVault'], false],
    ]);
    expect(JSON.stringify(rpoScope(many)).length).toBeGreaterThan(8192);
    const { stacks } = buildApp(many, outDir('rpo-monitor-many'), TEMPLATES_ONLY);
    const t = Template.fromStack(stacks.find((s) => s.stack.stackName === 'quickstart-airgap-vault')!.stack);
    expect(settingsOf(t).scope.expected).toHaveLength(rpoScope(many).expected.length);
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
