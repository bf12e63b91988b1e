import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { worstOf } from '../vault/alerts.js';
import type { RestoreValidator } from './restore-validator.js';

/**
 * Alerts of restore testing, in the restore account (the vault account's alert topic is another account's): a
 * topic the alert e-mails subscribe to, an alarm when a restored test resource fails its validation, an alarm when
 * the validation function errors (AWS Backup then records the test as timed out, with no verdict), and a rule that
 * forwards every restore job of the plan that fails or is aborted. A restore test nobody hears about proves nothing.
 */
export class RestoreTestAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];
  readonly failedJobs: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; key: kms.Key; planArn: string; validator: RestoreValidator },
  ) {
    super(scope, id);
    const { config } = props;
    const account = Stack.of(this).account;
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: RESOURCE_NAMES.restoreTestAlertTopic(config),
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    // The topic is encrypted with the restore key: the services that publish to it must be able to use the key.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'RestoreTestAlertsPublishToEncryptedTopic',
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    for (const email of config.alerts.emails)
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    // Both count events: no data means nothing failed.
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      return a;
    };
    this.alarms = [
      alarm(
        'ValidationFailed',
        worstOf('restoreTestFailures', 'SUM'),
        'A resource restored by restore testing from the air-gapped vault failed its validation',
      ),
      alarm(
        'ValidatorErrors',
        props.validator.fn.metricErrors(),
        'The restore test validation function failed: AWS Backup records the restore test as timed out, unvalidated',
      ),
    ];

    this.failedJobs = new events.Rule(this, 'RestoreTestJobFailed', {
      ruleName: `${config.name}-airgap-restore-test-failed`,
      description:
        'Air Gap Recover: alert on every restore job of the restore testing plan that fails or is aborted',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['FAILED', 'ABORTED'], restoreTestingPlanArn: [props.planArn] },
      },
      targets: [
        new targets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromText(
            `Air Gap Recover: restore test job ${events.EventField.fromPath('$.detail.restoreJobId')} of ${events.EventField.fromPath('$.detail.resourceType')} is ${events.EventField.fromPath('$.detail.status')}: ${events.EventField.fromPath('$.detail.statusMessage')}`,
          ),
        }),
      ],
    });
  }
}
