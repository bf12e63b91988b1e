import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import { dependOnRolePolicyOnly } from '../depends-on.js';
import { logGroupName } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';

/** Runs of one workflow execution: with waits capped at 15 minutes, about 11 hours, longer than any copy. */
export const MAX_COPIER_RUNS = 48;

export interface CopyWorkflowProps {
  config: Config;
  copier: lambda.IFunction;
  key: kms.Key;
  alerts: Alerts;
}

/**
 * The copy workflow, started by each snapshot event and by the sweep: run the copier (copy under the vault key,
 * tag, record in the catalog as copying; for copies that completed, lock in compliance mode and record them
 * available), wait with backoff while copies are pending, run again. Each run is idempotent, so a run that times
 * out or a workflow that ends early leaves nothing the next one does not finish. Fails, and alarms, when a copy
 * failed or copies are still pending after the last run.
 */
export class CopyWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: CopyWorkflowProps) {
    super(scope, id);
    const start = new sfn.Pass(this, 'Start', {
      parameters: { 'event.$': '$', attempt: 0 },
    });
    const run = new tasks.LambdaInvoke(this, 'Copy, tag, lock and record', {
      lambdaFunction: props.copier,
      payload: sfn.TaskInput.fromObject({ 'event.$': '$.event', 'attempt.$': '$.attempt' }),
      resultSelector: { 'summary.$': '$.Payload' },
      resultPath: '$.run',
      retryOnServiceExceptions: true,
    });
    // The copier runs one at a time (reserved concurrency 1): a throttled run waits for the one in progress.
    run.addRetry({
      errors: ['Lambda.TooManyRequestsException', 'States.Timeout', 'States.TaskFailed'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.minutes(10),
      jitterStrategy: sfn.JitterType.FULL,
    });
    const next = new sfn.Pass(this, 'Next run', {
      parameters: { 'event.$': '$.event', 'attempt.$': 'States.MathAdd($.attempt, 1)', 'run.$': '$.run' },
    });
    const wait = new sfn.Wait(this, 'Wait for copies (backoff)', {
      time: sfn.WaitTime.secondsPath('$.run.summary.waitSeconds'),
    });
    const failed = new sfn.Fail(this, 'Copy failed', {
      error: 'SnapshotCopyFailed',
      cause:
        'A vault copy failed: the copier logs name the snapshot, the SnapshotCopyFailures metric its protected resource',
    });
    const unfinished = new sfn.Fail(this, 'Copies unfinished', {
      error: 'SnapshotCopiesUnfinished',
      cause: `Copies still pending after ${MAX_COPIER_RUNS} runs; the scheduled sweep picks them up`,
    });
    const pending = sfn.Condition.numberGreaterThan('$.run.summary.pending', 0);
    const definition = start.next(run).next(
      new sfn.Choice(this, 'Outcome')
        .when(sfn.Condition.numberGreaterThan('$.run.summary.failed', 0), failed)
        .when(
          sfn.Condition.and(pending, sfn.Condition.numberLessThan('$.attempt', MAX_COPIER_RUNS - 1)),
          next.next(wait).next(run),
        )
        .when(pending, unfinished)
        .otherwise(new sfn.Succeed(this, 'All copied')),
    );

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `${props.config.name}-airgap-copy`,
      // Named: the vault organization's human-access SCP exempts service roles by name only.
      role: new iam.Role(this, 'Role', {
        roleName: ROLE_NAMES.copyWorkflow,
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      }),
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      timeout: Duration.hours(24),
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          logGroupName: logGroupName(props.config, 'copy-workflow'),
          retention: logs.RetentionDays.ONE_YEAR,
          encryptionKey: props.key,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    dependOnRolePolicyOnly(
      this.stateMachine.node.defaultChild as sfn.CfnStateMachine,
      this.stateMachine.role,
    );
    acknowledge(
      this,
      'Step Functions log delivery and X-Ray actions have no resource-level permissions; the copier may be invoked by version.',
      nag.wildcard('Resource::*'),
      nag.wildcard(
        `Resource::<${Stack.of(this).getLogicalId(props.copier.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
      ),
    );
    const { NOT_BREACHING } = cloudwatch.TreatMissingData;
    props.alerts.addAlarm(
      'CopyWorkflowFailed',
      this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The snapshot copy workflow failed: a copy failed, or copies stayed pending past its last run',
      NOT_BREACHING,
    );
    props.alerts.addAlarm(
      'CopyWorkflowTimedOut',
      this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      0,
      'The snapshot copy workflow timed out',
      NOT_BREACHING,
    );
  }
}
