import { Stack } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { RESOURCE_NAMES, type Config } from '../../config/index.js';
import { AlertTopic, worstOf } from '../vault/alerts.js';
import type { RestoreValidator } from './restore-validator.js';

/**
 * Alerts of restore testing, in the restore account (the vault account's alert topic is another account's): a
 * topic the alert e-mails subscribe to, an alarm when a restored test resource fails its validation, an alarm when
 * the validation function errors (AWS Backup then records the test as timed out, with no verdict), and a rule that
 * forwards every restore job of the plan that fails or is aborted. A restore test nobody hears about proves nothing.
 */
export class RestoreTestAlerts extends AlertTopic {
  readonly failedJobs: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { config: Config; key: kms.Key; planArn: string; validator: RestoreValidator },
  ) {
    const { config } = props;
    super(scope, id, {
      config,
      key: props.key,
      topicName: RESOURCE_NAMES.restoreTestAlertTopic(config),
      account: Stack.of(scope).account,
      keyStatementSid: 'RestoreTestAlertsPublishToEncryptedTopic',
    });

    // Both count events: no data means nothing failed.
    const { NOT_BREACHING } = cloudwatch.TreatMissingData;
    this.addAlarm(
      'ValidationFailed',
      worstOf('restoreTestFailures', 'SUM'),
      0,
      'A resource restored by restore testing from the air-gapped vault failed its validation',
      NOT_BREACHING,
    );
    this.addAlarm(
      'ValidatorErrors',
      props.validator.fn.metricErrors(),
      0,
      'The restore test validation function failed: AWS Backup records the restore test as timed out, unvalidated',
      NOT_BREACHING,
    );

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
