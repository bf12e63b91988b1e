import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config, type ProtectedBucket } from '../../config/index.js';

/**
 * Metrics the vault publishes about itself (namespace AirGapRecover), so alarms live in the vault account and
 * not in a source account an attacker controls: replication lag measured by the status canary, failed
 * replications, failed snapshot copies, RPO breaches.
 */
export const METRIC_NAMESPACE = 'AirGapRecover';

export class Monitoring extends Construct {
  readonly topic: sns.Topic;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; key: kms.IKey; buckets: ProtectedBucket[] },
  ) {
    super(scope, id);
    const { config } = props;
    this.topic = new sns.Topic(this, 'Alerts', {
      topicName: RESOURCE_NAMES.alertTopic(config),
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    for (const email of config.alerts.emails)
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));

    const metric = (name: string, dimensions: Record<string, string> = {}, statistic = 'Maximum') =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: name,
        dimensionsMap: dimensions,
        statistic,
        period: Duration.minutes(5),
      });
    const alarm = (id: string, m: cloudwatch.Metric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric: m,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Silence is not health: a canary that stops reporting is as alarming as one reporting lag.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      return a;
    };

    const lagWidgets: cloudwatch.IMetric[] = [];
    for (const b of props.buckets) {
      const lag = metric('ReplicationLagSeconds', { SourceBucket: b.bucket });
      lagWidgets.push(lag);
      alarm(
        `Lag-${b.bucket}`,
        lag,
        config.rpoMinutes.s3 * 60,
        `Replication of ${b.bucket} is behind its ${config.rpoMinutes.s3}-minute RPO`,
      );
      alarm(
        `Failed-${b.bucket}`,
        metric('ReplicationOperationsFailed', { SourceBucket: b.bucket }, 'Sum'),
        0,
        `Replication of ${b.bucket} into ${b.vaultBucket} failed`,
      );
    }
    const copyFailures = metric('SnapshotCopyFailures', {}, 'Sum');
    const rpoBreaches = metric('RpoBreaches', {}, 'Maximum');
    alarm('CopyFailures', copyFailures, 0, 'A snapshot copy into the vault failed');
    alarm('RpoBreaches', rpoBreaches, 0, 'A protected resource has no vault copy within its RPO');

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${config.name}-airgap`,
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'S3 replication lag (s)', left: lagWidgets, width: 12 }),
          new cloudwatch.GraphWidget({
            title: 'Copy failures and RPO breaches',
            left: [copyFailures, rpoBreaches],
            width: 12,
          }),
        ],
      ],
    });
  }
}
