import { Duration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRIC_NAMESPACE,
  METRICS,
  RESOURCE_NAMES,
  type Config,
  type MetricKey,
} from '../../config/index.js';
import { RPO_CHECK_MINUTES } from './rpo-monitor.js';

/**
 * One Metrics Insights query per metric, taking the worst value over every bucket or resource: the alarm
 * count stays four however many buckets are protected, and a newly protected bucket is covered at once.
 */
export function worstOf(
  key: MetricKey,
  fn: 'MAX' | 'SUM',
  period = Duration.minutes(5),
): cloudwatch.MathExpression {
  const { name, dimensions } = METRICS[key];
  return new cloudwatch.MathExpression({
    expression: `SELECT ${fn}(${name}) FROM SCHEMA("${METRIC_NAMESPACE}", ${dimensions.join(', ')})`,
    period,
    label: name,
    usingMetrics: {},
  });
}

/**
 * An alert topic of one account, encrypted with `key`, that the account's CloudWatch alarms and EventBridge rules
 * publish to and config.alerts.emails subscribe to, and the alarms that publish to it.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    props: {
      config: Config;
      key: kms.IKey;
      topicName: string;
      account: string;
      /** The key policy statement that lets the publishers use the key (its sid, unique in that key's policy). */
      keyStatementSid: string;
    },
  ) {
    super(scope, id);
    const { config, account } = props;
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
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
    // The topic is encrypted with the key: the services that publish to it must be able to use the key.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: props.keyStatementSid,
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
  }

  /** An alarm publishing to the alert topic, listed on the dashboard (create the dashboard after every alarm). */
  addAlarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    // Silence is not health where a canary reports continuously; event counts are absent when all is well.
    missing: cloudwatch.TreatMissingData,
  ): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: missing,
      alarmDescription: description,
    });
    a.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(a);
    return a;
  }
}

/** The vault account's alert topic and the alarms on the vault's own metrics. */
export class Alerts extends AlertTopic {
  constructor(scope: Construct, id: string, props: { config: Config; key: kms.IKey }) {
    const { config } = props;
    super(scope, id, {
      ...props,
      topicName: RESOURCE_NAMES.alertTopic(config),
      account: config.organizations.vault.vaultAccount,
      keyStatementSid: 'AlarmsAndRulesPublishToEncryptedTopic',
    });

    const { BREACHING, NOT_BREACHING } = cloudwatch.TreatMissingData;
    this.addAlarm(
      'ReplicationLag',
      worstOf('replicationLag', 'MAX'),
      config.rpoMinutes.s3 * 60,
      `S3 replication into the vault is behind its ${config.rpoMinutes.s3}-minute RPO`,
      BREACHING,
    );
    this.addAlarm(
      'ReplicationFailed',
      worstOf('replicationFailed', 'SUM'),
      0,
      'S3 replication into the vault failed',
      NOT_BREACHING,
    );
    this.addAlarm(
      'CopyFailures',
      worstOf('copyFailures', 'SUM'),
      0,
      'A snapshot copy into the vault failed',
      NOT_BREACHING,
    );
    this.addAlarm(
      'RpoBreaches',
      worstOf('rpoBreaches', 'MAX', Duration.minutes(2 * RPO_CHECK_MINUTES)),
      0,
      'A protected DB instance, cluster or volume has no vault copy within its RPO, or the RPO monitor went silent',
      BREACHING,
    );
  }
}
