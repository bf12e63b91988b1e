import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ROLE_NAMES, type Config } from '../../config/index.js';
import type { Alerts } from './alerts.js';
import { retryRuns, workflowStateMachine } from './workflow-state-machine.js';

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
    retryRuns(run, ['Lambda.TooManyRequestsException', 'States.Timeout', 'States.TaskFailed']);
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

    this.stateMachine = workflowStateMachine(this, {
      config: props.config,
      name: `${props.config.name}-airgap-copy`,
      logName: 'copy-workflow',
      // Named: the vault organization's human-access SCP exempts service roles by name only.
      role: new iam.Role(this, 'Role', {
        roleName: ROLE_NAMES.copyWorkflow,
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      }),
      definition,
      fn: props.copier,
      key: props.key,
      alerts: props.alerts,
      alarm: {
        id: 'CopyWorkflow',
        failed:
          'The snapshot copy workflow failed: a copy failed, or copies stayed pending past its last run',
        timedOut: 'The snapshot copy workflow timed out',
      },
    });
  }
}
