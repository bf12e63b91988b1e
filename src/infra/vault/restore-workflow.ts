import { Duration } from 'aws-cdk-lib/core';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RESOURCE_NAMES, ROLE_NAMES, TAGS, type Config } from '../../config/index.js';
import type { RestoreSettings } from '../../handlers/snapshot-restore.js';
import { MAX_RESTORE_RUNS } from '../../protect/snapshots/restore-request.js';
import { AirgapFunction } from '../lambda/airgap-function.js';
import { acknowledge, nag } from '../nag-suppressions.js';
import type { Alerts } from './alerts.js';
import { retryRuns, workflowStateMachine } from './workflow-state-machine.js';

/** The operations `grantSnapshotCopy` (src/protect/kms/grant.ts) asks for: the grant condition allows no more. */
export const RESTORE_GRANT_OPERATIONS = ['Decrypt', 'DescribeKey', 'CreateGrant', 'ReEncryptFrom'];

export interface RestoreWorkflowProps {
  config: Config;
  key: kms.Key;
  table: dynamodb.TableV2;
  alerts: Alerts;
}

/**
 * The snapshot restore workflow, in the vault account beside the catalog it resolves copies from: an operator or a
 * runbook starts it with `{ service, from, at?, to? }` (what `airgap restore rds|aurora|ebs` takes). Each run of
 * its function (src/handlers/snapshot-restore.ts) does what `restoreSnapshot` finds still to do without waiting;
 * the workflow waits with backoff while the copy or the restored resource comes up, pinning the vault copy and
 * target the first run chose. Fails with the cause (bad request, a failed copy or restore, unfinished after the
 * last run), and alarms.
 *
 * Two roles of one name, `AirGapRestoreFlow`: the function's, in the vault account, shares the vault copy with
 * the restore account and grants the vault key to its namesake there, which it assumes to copy under the restore
 * key and restore (src/infra/restore/restore-flow-role.ts). Not the restore role `AirGapRestore`: people assume
 * that one with MFA, which the vault organization's SCP requires of every caller but its service roles.
 */
export class RestoreWorkflow extends Construct {
  readonly fn: AirgapFunction;
  readonly role: iam.Role;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RestoreWorkflowProps) {
    super(scope, id);
    const { config, key, table } = props;
    const { vaultAccount: vault, restoreAccount: restore } = config.organizations.vault;
    const region = config.vault.region;
    const flowRole = `arn:aws:iam::${restore}:role/${ROLE_NAMES.restoreWorkflow}`;
    const rdsCopies = [
      `arn:aws:rds:${region}:${vault}:snapshot:airgap-*`,
      `arn:aws:rds:${region}:${vault}:cluster-snapshot:airgap-*`,
    ];
    const ebsSnapshots = `arn:aws:ec2:${region}::snapshot/*`;
    this.role = new iam.Role(this, 'Role', {
      roleName: ROLE_NAMES.restoreWorkflow,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Air Gap Recover: restore workflow; shares vault copies with the restore account, grants it the vault key',
      inlinePolicies: {
        restore: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ResolveCopiesInCatalog',
              actions: ['dynamodb:Scan'],
              resources: [table.tableArn],
            }),
            new iam.PolicyStatement({
              sid: 'ReadCatalogThroughDynamoDb',
              actions: ['kms:Decrypt'],
              resources: [key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
            }),
            new iam.PolicyStatement({
              sid: 'ShareRdsVaultCopies',
              actions: [
                'rds:DescribeDBSnapshotAttributes',
                'rds:DescribeDBClusterSnapshotAttributes',
                'rds:ModifyDBSnapshotAttribute',
                'rds:ModifyDBClusterSnapshotAttribute',
              ],
              resources: rdsCopies,
            }),
            new iam.PolicyStatement({
              sid: 'ReadEbsSnapshotSharing',
              actions: ['ec2:DescribeSnapshotAttribute'],
              resources: [ebsSnapshots],
            }),
            new iam.PolicyStatement({
              // RDS has no condition key naming the account a snapshot is shared with; EC2 has.
              sid: 'ShareEbsVaultCopiesWithRestoreAccountOnly',
              actions: ['ec2:ModifySnapshotAttribute'],
              resources: [ebsSnapshots],
              conditions: {
                'ForAllValues:StringEquals': { 'ec2:Add/userId': [restore] },
                Null: { 'ec2:Add/group': 'true', [`aws:ResourceTag/${TAGS.sourceArn}`]: 'false' },
              },
            }),
            new iam.PolicyStatement({
              sid: 'FindVaultKeyAndGrants',
              actions: ['kms:DescribeKey', 'kms:ListGrants'],
              resources: [key.keyArn],
            }),
            new iam.PolicyStatement({
              sid: 'GrantVaultKeyToRestoreFlowForCopiesOnly',
              actions: ['kms:CreateGrant'],
              resources: [key.keyArn],
              conditions: {
                StringEquals: { 'kms:GranteePrincipal': flowRole },
                'ForAllValues:StringEquals': { 'kms:GrantOperations': RESTORE_GRANT_OPERATIONS },
              },
            }),
            new iam.PolicyStatement({
              sid: 'CopyAndRestoreInRestoreAccount',
              actions: ['sts:AssumeRole'],
              resources: [flowRole],
            }),
          ],
        }),
      },
    });
    acknowledge(
      this.role,
      'Vault copies are airgap-* in the vault account; EBS snapshot ARNs carry no account, so sharing one needs its vault-copy tag and names the restore account only.',
      ...[...rdsCopies, ebsSnapshots].map((r) => nag.wildcard(`Resource::${r}`)),
    );

    this.fn = new AirgapFunction(this, 'Function', {
      config,
      handler: 'snapshot-restore',
      description: 'Air Gap Recover: one run of the snapshot restore workflow (share, grant, copy, restore)',
      role: this.role,
      logKey: key,
      timeout: Duration.minutes(2),
      settings: {
        deployment: config.name,
        vaultAccount: vault,
        restoreAccount: restore,
        region,
        catalogTable: RESOURCE_NAMES.catalogTable(config),
      } satisfies RestoreSettings,
    });
    acknowledge(
      this.fn,
      'Invoked synchronously by the restore workflow, which retries and fails (and alarms) on errors; nothing is queued.',
      nag.lambdaDlq,
    );
    this.stateMachine = this.workflow(props);
  }

  private workflow({ config, key, alerts }: RestoreWorkflowProps): sfn.StateMachine {
    const start = new sfn.Pass(this, 'Start', { parameters: { 'request.$': '$', attempt: 0 } });
    const run = new tasks.LambdaInvoke(this, 'Share, grant, copy and restore', {
      lambdaFunction: this.fn,
      payload: sfn.TaskInput.fromObject({ 'request.$': '$.request', 'attempt.$': '$.attempt' }),
      resultSelector: { 'summary.$': '$.Payload' },
      resultPath: '$.run',
      retryOnServiceExceptions: true,
    });
    // A timed-out run is safe to repeat: every step is found done by the next. A failed one is not retried: its
    // cause (a failed copy, a refused target) does not go away by itself.
    retryRuns(run, ['Lambda.TooManyRequestsException', 'States.Timeout', 'Sandbox.Timedout']);
    const badRequest = new sfn.Fail(this, 'Bad restore request', {
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    const failed = new sfn.Fail(this, 'Restore failed', {
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });
    run.addCatch(badRequest, { errors: ['InputError'], resultPath: '$.error' });
    run.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
    const next = new sfn.Pass(this, 'Next run (pinned to the chosen copy)', {
      parameters: {
        'request.$': '$.run.summary.next',
        'attempt.$': 'States.MathAdd($.attempt, 1)',
        'run.$': '$.run',
      },
    });
    const wait = new sfn.Wait(this, 'Wait for copy or restore (backoff)', {
      time: sfn.WaitTime.secondsPath('$.run.summary.waitSeconds'),
    });
    const unfinished = new sfn.Fail(this, 'Restore unfinished', {
      error: 'SnapshotRestoreUnfinished',
      cause: `The copy or the restored resource is still coming up after ${MAX_RESTORE_RUNS} runs: start the workflow again with the same request, it resumes`,
    });
    const complete = sfn.Condition.booleanEquals('$.run.summary.complete', true);
    const definition = start.next(run).next(
      new sfn.Choice(this, 'Outcome')
        .when(complete, new sfn.Succeed(this, 'Restored', { outputPath: '$.run.summary' }))
        .when(sfn.Condition.numberLessThan('$.attempt', MAX_RESTORE_RUNS - 1), next.next(wait).next(run))
        .otherwise(unfinished),
    );

    return workflowStateMachine(this, {
      config,
      name: RESOURCE_NAMES.restoreWorkflow(config),
      logName: 'restore-workflow',
      role: new iam.Role(this, 'StateMachineRole', {
        roleName: ROLE_NAMES.restoreWorkflowStates,
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      }),
      definition,
      fn: this.fn,
      key,
      alerts,
      alarm: {
        id: 'RestoreWorkflow',
        failed: 'A snapshot restore workflow execution failed: its execution history names the cause',
        timedOut: 'A snapshot restore workflow execution timed out',
      },
    });
  }
}
