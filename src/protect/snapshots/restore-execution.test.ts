import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { mockSts, sentAs } from '../../../test/support/assumed-role.js';
import { quickstart } from '../../../test/support/config.js';
import { memoryCatalog } from '../../../test/support/memory-catalog.js';
import { paymentsDbCopy } from '../../../test/support/snapshot-fixtures.js';
import { AwsClients } from '../../aws/clients.js';
import { ROLE_NAMES } from '../../config/names.js';
import { InputError } from '../../errors.js';
import { restoreExecutionName, restoreThroughWorkflow } from './restore-execution.js';
import type { RestoreRunSummary } from './restore-request.js';

const config = quickstart();
const { vaultAccount: VAULT, restoreAccount: RESTORE } = config.organizations.vault;
const region = config.vault.region;
const MACHINE = `arn:aws:states:${region}:${VAULT}:stateMachine:${config.name}-airgap-restore`;
const entry = paymentsDbCopy(VAULT, region);
const request = { service: 'rds' as const, from: entry.id, to: 'airgap-restore-c0ffee0000000000' };
const NAME = restoreExecutionName(request);
const arnOf = (name: string) => `${MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;
const notFound = () => Object.assign(new Error('ExecutionDoesNotExist'), { name: 'ExecutionDoesNotExist' });

const summary = (complete: boolean, copy: string): RestoreRunSummary => ({
  complete,
  next: request,
  copy: entry.id,
  target: { account: RESTORE, region, name: request.to },
  restored: complete
    ? { arn: `arn:aws:rds:${region}:${RESTORE}:db:${request.to}`, status: 'available' }
    : undefined,
  steps: [{ step: 'copy', state: copy as 'done', detail: '' }],
  waitSeconds: 60,
});
// What Step Functions records for a Lambda invoke task: the invoke result, its Payload the function's return value.
const taskSucceeded = (id: number, s: RestoreRunSummary): HistoryEvent => ({
  id,
  type: 'TaskSucceeded',
  timestamp: new Date(),
  taskSucceededEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke',
    output: JSON.stringify({ ExecutedVersion: '$LATEST', Payload: s, StatusCode: 200 }),
  },
});

const clients = new AwsClients({
  region,
  roleName: ROLE_NAMES.operator,
  baseCredentials: { accessKeyId: 'a', secretAccessKey: 's' },
});
const ctx = (entries = [entry]) => ({ clients, config, catalog: memoryCatalog(entries) });

describe('restore rds|aurora|ebs --workflow (client mock: moto never ends an execution nor records a real history)', () => {
  mockSts();
  const sfn = mockClient(SFNClient);
  afterEach(() => sfn.reset());

  it('threat #32: follows the execution it started to SUCCEEDED, one progress line per run, with the restored DB', async () => {
    let polls = 0;
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      if (sfn.commandCalls(StartExecutionCommand).length === 0) throw notFound();
      polls++;
      return Promise.resolve({
        executionArn: input.executionArn,
        name: NAME,
        status: polls < 3 ? 'RUNNING' : 'SUCCEEDED',
        output: polls < 3 ? undefined : JSON.stringify(summary(true, 'done')),
      });
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: arnOf(NAME), startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).callsFake(() =>
      Promise.resolve({
        events: [
          { id: 1, type: 'ExecutionStarted', timestamp: new Date() },
          taskSucceeded(2, summary(false, 'in-progress')),
          ...(polls >= 3 ? [taskSucceeded(3, summary(true, 'done'))] : []),
        ],
      }),
    );
    const runs: string[] = [];
    const report = await restoreThroughWorkflow(ctx(), {
      service: 'rds',
      from: 'payments-db',
      waitMs: 60_000,
      pollMs: 1,
      onRun: (n, s) => runs.push(`${n}:${s.steps[0]!.state}`),
    });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: MACHINE, name: NAME, input: JSON.stringify(request) },
    ]);
    expect(runs).toEqual(['1:in-progress', '2:done']);
    expect(report.execution).toMatchObject({ name: NAME, status: 'SUCCEEDED', started: true });
    expect(report.complete).toBe(true);
    expect(report.summary?.restored?.arn).toBe(`arn:aws:rds:${region}:${RESTORE}:db:${request.to}`);
    expect(await sentAs(sfn.commandCalls(StartExecutionCommand))).toEqual([
      `${VAULT}/${ROLE_NAMES.operator}`,
    ]);
  });

  it('threat #32: after a failed execution of the same restore, a re-run starts the next name, and says why the last failed', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: arnOf(NAME) }).resolves({
      name: NAME,
      status: 'FAILED',
      error: 'SnapshotCopyFailed',
      cause: 'the copy failed',
    });
    sfn.on(DescribeExecutionCommand, { executionArn: arnOf(`${NAME}-2`) }).callsFake(() => {
      if (sfn.commandCalls(StartExecutionCommand).length === 0) throw notFound();
      return Promise.resolve({ name: `${NAME}-2`, status: 'RUNNING' });
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: arnOf(`${NAME}-2`) });
    const report = await restoreThroughWorkflow(ctx(), { service: 'rds', from: entry.id });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([`${NAME}-2`]);
    expect(report.execution).toMatchObject({ status: 'RUNNING', started: true });
    expect(report.earlierFailures).toEqual([
      { name: NAME, status: 'FAILED', error: 'SnapshotCopyFailed', cause: 'the copy failed' },
    ]);
  });

  it('threat #32: a run that loses the race to start the execution takes up the one started (ExecutionAlreadyExists)', async () => {
    let started = false;
    sfn.on(DescribeExecutionCommand).callsFake(() => {
      if (!started) throw notFound();
      return Promise.resolve({ name: NAME, status: 'RUNNING' });
    });
    sfn.on(StartExecutionCommand).callsFake(() => {
      started = true;
      throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
    });
    const report = await restoreThroughWorkflow(ctx(), { service: 'rds', from: entry.id });
    expect(report.execution).toMatchObject({ name: NAME, arn: arnOf(NAME), status: 'RUNNING' });
  });

  it('followed to FAILED: reports the execution’s error and cause', async () => {
    sfn.on(DescribeExecutionCommand).callsFake(() => {
      if (sfn.commandCalls(StartExecutionCommand).length === 0) throw notFound();
      return Promise.resolve({ name: NAME, status: 'FAILED', error: 'InputError', cause: '--to taken' });
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: arnOf(NAME) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const report = await restoreThroughWorkflow(ctx(), {
      service: 'rds',
      from: entry.id,
      waitMs: 1,
      pollMs: 1,
    });
    expect(report.execution).toMatchObject({ status: 'FAILED', error: 'InputError', cause: '--to taken' });
    expect(report.complete).toBe(false);
  });

  it('a copy outside the vault region: one line, nothing started (the workflow restores vault-region copies only)', async () => {
    const elsewhere = { ...entry, region: 'eu-west-1', vaultCopyId: 'airgap-eu' };
    const run = restoreThroughWorkflow(ctx([elsewhere]), { service: 'rds', from: entry.id });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      `--workflow: the vault copy airgap-eu is in eu-west-1; the restore workflow restores copies of the vault region ${region} only: run without --workflow`,
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});
