import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import { rpoScope } from '../../status/evaluate.js';
import type { RpoMonitorSettings } from '../../handlers/rpo-monitor.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';

/** How often the monitor runs; the RpoBreaches alarm looks at twice that, so one late run is not silence. */
export const RPO_CHECK_MINUTES = 15;

/**
 * The RPO monitor (src/handlers/rpo-monitor.ts) as `AirGapRpoMonitor`, every RPO_CHECK_MINUTES: reads the recovery
 * catalog (nothing else) and publishes RpoBreaches per service and RecoveryPointAgeMinutes per resource, which the
 * RpoBreaches alarm (missing data breaches: a silent monitor is a breach) and the dashboard read.
 */
export class RpoMonitor extends Construct {
  readonly fn: AirgapFunction;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; key: kms.Key; catalogKey: kms.IKey; table: dynamodb.TableV2; alerts: Alerts },
  ) {
    super(scope, id);
    const { config, key, catalogKey, table } = props;
    const role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.rpoMonitor,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Air Gap Recover: reads the recovery catalog and publishes RPO breaches',
      inlinePolicies: {
        read: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadCatalog',
              actions: ['dynamodb:Scan'],
              resources: [table.tableArn],
            }),
            new iam.PolicyStatement({
              sid: 'DecryptCatalogThroughDynamoDb',
              actions: ['kms:Decrypt', 'kms:DescribeKey'],
              resources: [catalogKey.keyArn],
              conditions: {
                StringEquals: { 'kms:ViaService': `dynamodb.${config.vault.region}.amazonaws.com` },
              },
            }),
          ],
        }),
      },
    });
    this.fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'rpo-monitor',
      description: 'Air Gap Recover: publishes per service the protected resources outside their RPO',
      role,
      logKey: key,
      timeout: Duration.minutes(5),
      settings: {
        vaultAccount: config.organizations.vault.vaultAccount,
        region: config.vault.region,
        catalogTable: table.tableName,
        // In Parameter Store, split in 4 KB parts: a scheduled target's input is capped at 8,192 characters.
        scope: rpoScope(config),
      } satisfies RpoMonitorSettings,
    });
    acknowledge(
      this.fn,
      'A missed run publishes nothing, which the RpoBreaches alarm treats as a breach; errors alarm.',
      nag.lambdaDlq,
    );
    new events.Rule(this, 'Schedule', {
      description: 'Air Gap Recover: RPO check of every protected snapshot resource',
      schedule: events.Schedule.rate(Duration.minutes(RPO_CHECK_MINUTES)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
    props.alerts.addAlarm(
      'RpoMonitorErrors',
      this.fn.metricErrors({ period: Duration.minutes(RPO_CHECK_MINUTES), statistic: 'Sum' }),
      0,
      'The RPO monitor failed a run',
      cloudwatch.TreatMissingData.NOT_BREACHING,
    );
  }
}
