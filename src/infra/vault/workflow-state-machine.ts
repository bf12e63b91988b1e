import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { Config } from '../../config/index.js';
import { dependOnRolePolicyOnly } from '../depends-on.js';
import { logGroupName } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';

/**
 * Retries a workflow's function run with backoff and jitter on `errors`. The vault functions run one at a time
 * (reserved concurrency 1): a throttled run waits for the one in progress; every run is idempotent.
 */
export function retryRuns(run: tasks.LambdaInvoke, errors: string[]): void {
  run.addRetry({
    errors,
    interval: Duration.seconds(30),
    backoffRate: 2,
    maxAttempts: 6,
    maxDelay: Duration.minutes(10),
    jitterStrategy: sfn.JitterType.FULL,
  });
}

export interface WorkflowStateMachineProps {
  config: Config;
  /** The state machine's name, and its log group's (`/airgap/<deployment>/<logName>`). */
  name: string;
  logName: string;
  /** Named by the caller: the vault organization's human-access SCP exempts service roles by name only. */
  role: iam.IRole;
  definition: sfn.IChainable;
  /** The function the workflow runs (invoked by version too, which its role's policy says with a wildcard). */
  fn: lambda.IFunction;
  key: kms.Key;
  alerts: Alerts;
  /** Alarm ids `<alarm>Failed` and `<alarm>TimedOut`, and what each says. */
  alarm: { id: string; failed: string; timedOut: string };
}

/**
 * A vault workflow's state machine (Standard): traced, every execution logged to an encrypted log group kept a
 * year, at most 24 hours, alarming through the vault alert topic on failed and timed-out executions.
 */
export function workflowStateMachine(scope: Construct, p: WorkflowStateMachineProps): sfn.StateMachine {
  const machine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: p.name,
    stateMachineType: sfn.StateMachineType.STANDARD,
    role: p.role,
    definitionBody: sfn.DefinitionBody.fromChainable(p.definition),
    tracingEnabled: true,
    timeout: Duration.hours(24),
    logs: {
      destination: new logs.LogGroup(scope, 'Logs', {
        logGroupName: logGroupName(p.config, p.logName),
        retention: logs.RetentionDays.ONE_YEAR,
        encryptionKey: p.key,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
    },
  });
  dependOnRolePolicyOnly(machine.node.defaultChild as sfn.CfnStateMachine, machine.role);
  acknowledge(
    scope,
    'Step Functions log delivery and X-Ray actions have no resource-level permissions; the function may be invoked by version.',
    nag.wildcard('Resource::*'),
    nag.wildcard(
      `Resource::<${Stack.of(scope).getLogicalId(p.fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
    ),
  );
  const { NOT_BREACHING } = cloudwatch.TreatMissingData;
  const period = { period: Duration.minutes(5), statistic: 'Sum' };
  p.alerts.addAlarm(`${p.alarm.id}Failed`, machine.metricFailed(period), 0, p.alarm.failed, NOT_BREACHING);
  p.alerts.addAlarm(
    `${p.alarm.id}TimedOut`,
    machine.metricTimedOut(period),
    0,
    p.alarm.timedOut,
    NOT_BREACHING,
  );
  return machine;
}
