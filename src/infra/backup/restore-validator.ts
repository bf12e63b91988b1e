import { Duration, Stack } from 'aws-cdk-lib/core';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';

/** How long a restored test resource stays for its validation before AWS Backup deletes it. */
export const VALIDATION_WINDOW_HOURS = 2;

/**
 * The validation function of restore testing (src/handlers/restore-validator.ts) in the restore account: run by
 * the "Restore Job State Change" event AWS Backup emits when a restore job of this restore testing plan completes,
 * it checks the restored bucket or cluster and reports the verdict with PutRestoreValidationResult.
 *
 * Its role reads only what restores create in this account (bucket listings, cluster descriptions),
 * the restore job and its recovery point's metadata, and reports validation results; it can change or delete nothing.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-validation.html
 */
export class RestoreValidator extends Construct {
  readonly fn: AirgapFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: { config: Config; planArn: string; logKey: kms.Key }) {
    super(scope, id);
    const { region, account } = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.restoreValidator,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Air Gap Recover: checks resources restored by restore testing and reports the verdict to AWS Backup',
      inlinePolicies: {
        validate: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              // PutRestoreValidationResult has no resource-level permission: bounded to this region.
              sid: 'ReportRestoreTestValidation',
              actions: ['backup:PutRestoreValidationResult'],
              resources: ['*'],
              conditions: { StringEquals: { 'aws:RequestedRegion': region } },
            }),
            new iam.PolicyStatement({
              // Restore testing names the buckets it creates: any bucket, as long as this account owns it.
              sid: 'ListBucketsOfThisAccount',
              actions: ['s3:ListBucket'],
              resources: ['arn:aws:s3:::*'],
              conditions: { StringEquals: { 's3:ResourceAccount': account } },
            }),
            new iam.PolicyStatement({
              // What the test restored from: the job, then its recovery point's metadata (engine, version).
              sid: 'ReadRestoreJobsAndRecoveryPointMetadata',
              actions: ['backup:DescribeRestoreJob', 'backup:GetRecoveryPointRestoreMetadata'],
              resources: ['*'],
              conditions: { StringEquals: { 'aws:RequestedRegion': region } },
            }),
            new iam.PolicyStatement({
              sid: 'DescribeClustersOfThisAccount',
              actions: ['rds:DescribeDBClusters'],
              resources: [`arn:aws:rds:${region}:${account}:cluster:*`],
            }),
            new iam.PolicyStatement({
              // The key restores must be encrypted with, found by its alias.
              sid: 'DescribeRestoreKey',
              actions: ['kms:DescribeKey'],
              resources: [props.logKey.keyArn],
            }),
          ],
        }),
      },
    });
    acknowledge(
      role,
      'Restore testing names the restored buckets and clusters at run time: listing is bounded to buckets this account owns and clusters of this account and region; PutRestoreValidationResult has no resource-level permission, restore jobs and shared recovery points have no ARN known here: bounded to the region.',
      nag.wildcard('Resource::arn:aws:s3:::*'),
      nag.wildcard(`Resource::arn:aws:rds:${region}:${account}:cluster:*`),
    );
    this.fn = new AirgapFunction(this, 'Function', {
      config: props.config,
      handler: 'restore-validator',
      description: 'Air Gap Recover: validates restore tests of the air-gapped vault',
      role,
      logKey: props.logKey,
      timeout: Duration.minutes(1),
      // Restore tests of several resources complete together; each validation is independent.
      reservedConcurrentExecutions: 5,
    });
    acknowledge(
      this.fn,
      'A lost validation leaves the restore job without a result, which AWS Backup shows as timed out when the validation window closes; EventBridge retries delivery first.',
      nag.lambdaDlq,
    );
    this.rule = new events.Rule(this, 'RestoreTestCompleted', {
      ruleName: `${props.config.name}-airgap-restore-test-completed`,
      description: 'Air Gap Recover: validate each completed restore of the restore testing plan',
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { status: ['COMPLETED'], restoreTestingPlanArn: [props.planArn] },
      },
      targets: [
        new targets.LambdaFunction(this.fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(VALIDATION_WINDOW_HOURS),
        }),
      ],
    });
  }
}
