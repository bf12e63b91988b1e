import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ROLE_NAMES, TAGS, type Config } from '../../config/index.js';
import type { SweeperSettings } from '../../handlers/retention-sweeper.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';

/**
 * The retention sweeper (src/handlers/retention-sweeper.ts) on `schedules.retentionSweep`, as `AirGapRetention`,
 * the one role the vault SCP lets delete a vault copy. It may delete only vault copies: RDS and Aurora copies by
 * their `airgap-` ids, EBS snapshots only when they carry the copier's source-ARN tag; the code deletes only
 * those whose retain-until has passed, and an EBS copy's compliance lock refuses earlier deletion anyway.
 */
export class RetentionSweeper extends Construct {
  readonly fn: AirgapFunction;

  constructor(scope: Construct, id: string, props: { config: Config; key: kms.Key; alerts: Alerts }) {
    super(scope, id);
    const { config, key } = props;
    const vault = config.organizations.vault.vaultAccount;
    const role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.retention,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Air Gap Recover: deletes vault snapshot copies whose retention has passed, and nothing else',
      inlinePolicies: {
        sweep: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ListVaultCopies',
              actions: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots', 'ec2:DescribeSnapshots'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteRdsAndAuroraVaultCopies',
              actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot'],
              resources: [
                `arn:aws:rds:*:${vault}:snapshot:airgap-*`,
                `arn:aws:rds:*:${vault}:cluster-snapshot:airgap-*`,
              ],
            }),
            new iam.PolicyStatement({
              sid: 'DeleteEbsVaultCopies',
              actions: ['ec2:DeleteSnapshot'],
              resources: [`arn:aws:ec2:*:${vault}:snapshot/*`],
              conditions: { Null: { [`aws:ResourceTag/${TAGS.sourceArn}`]: 'false' } },
            }),
          ],
        }),
      },
    });
    acknowledge(
      role,
      'Describe calls have no resource scope; deletions are limited to vault copies (airgap-* ids, or EBS snapshots with the copier tag) in the vault account.',
      nag.wildcard('Resource::*'),
      nag.wildcard(`Resource::arn:aws:rds:*:${vault}:snapshot:airgap-*`),
      nag.wildcard(`Resource::arn:aws:rds:*:${vault}:cluster-snapshot:airgap-*`),
      nag.wildcard(`Resource::arn:aws:ec2:*:${vault}:snapshot/*`),
    );
    this.fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'retention-sweeper',
      description: 'Air Gap Recover: deletes vault snapshot copies whose retention has passed',
      role,
      logKey: key,
      timeout: Duration.minutes(15),
      settings: {
        deployment: config.name,
        vaultAccount: vault,
        region: config.vault.region,
        sourceRegions: config.organizations.source.regions,
      } satisfies SweeperSettings,
    });
    acknowledge(
      this.fn,
      'A missed sweep deletes nothing and the next one catches up; errors alarm.',
      nag.lambdaDlq,
    );
    new events.Rule(this, 'Schedule', {
      description: 'Air Gap Recover: scheduled retention sweep of vault snapshot copies',
      schedule: events.Schedule.expression(config.schedules.retentionSweep),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2 })],
    });
    props.alerts.addAlarm(
      'RetentionSweeperErrors',
      this.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The retention sweeper failed a run',
      cloudwatch.TreatMissingData.NOT_BREACHING,
    );
  }
}
