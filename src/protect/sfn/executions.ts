import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeExecutionCommand,
  paginateGetExecutionHistory,
  StartExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { CheckFailed } from '../../errors.js';

/** One execution of a state machine, as DescribeExecution reports it. */
export interface ExecutionState {
  name: string;
  arn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (PENDING_REDRIVE on a redriven one). */
  status: string;
  /** The execution's output (JSON), once it succeeded. */
  output?: unknown;
  error?: string | undefined;
  cause?: string | undefined;
}

/** Executions a re-run takes up rather than starting another: the one still at work, or the one that did it. */
const TAKEN_UP = new Set(['RUNNING', 'PENDING_REDRIVE', 'SUCCEEDED']);

/** How many names a request may go through (`name`, `name-2`, …): each failed execution of it uses one. */
export const MAX_EXECUTION_ATTEMPTS = 20;

/** Step Functions execution ARNs: the state machine's ARN with `execution` and the execution's name. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export async function describeExecution(sfn: SFNClient, arn: string): Promise<ExecutionState | undefined> {
  try {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    return {
      name: out.name ?? arn.split(':').pop()!,
      arn,
      status: out.status ?? 'UNKNOWN',
      output: out.output === undefined ? undefined : (JSON.parse(out.output) as unknown),
      error: out.error,
      cause: out.cause,
    };
  } catch (e) {
    if ((e as Error).name === 'ExecutionDoesNotExist') return undefined;
    throw e;
  }
}

/**
 * The execution of a request named `name`: Standard executions' names are unique per state machine (for 90 days
 * after they close), so a deterministic name finds the one a previous run started. An execution that failed keeps
 * its name: the next attempt is `name-2`, then `name-3`. Returns the running or succeeded execution, if any, and
 * the name a new one would take.
 */
export async function currentExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
): Promise<{ existing: ExecutionState | undefined; next: string; failed: ExecutionState[] }> {
  const failed: ExecutionState[] = [];
  for (let attempt = 1; attempt <= MAX_EXECUTION_ATTEMPTS; attempt++) {
    const candidate = attempt === 1 ? name : `${name}-${attempt}`;
    const found = await describeExecution(sfn, executionArn(stateMachineArn, candidate));
    if (!found) return { existing: undefined, next: candidate, failed };
    if (TAKEN_UP.has(found.status)) return { existing: found, next: candidate, failed };
    failed.push(found);
  }
  throw new CheckFailed(
    `${MAX_EXECUTION_ATTEMPTS} executions named ${name}… of ${stateMachineArn} failed: read their causes in the execution history before trying again`,
  );
}

/**
 * Starts the execution `name` with `input`, once: a concurrent run that started it first (ExecutionAlreadyExists)
 * is taken up, not doubled.
 */
export async function startExecutionOnce(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<ExecutionState> {
  const arn = executionArn(stateMachineArn, name);
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  } catch (e) {
    const err = e as Error;
    if (err.name === 'StateMachineDoesNotExist')
      throw new CheckFailed(`${stateMachineArn} does not exist: deploy the vault stack first`);
    if (err.name !== 'ExecutionAlreadyExists') throw e;
  }
  return (await describeExecution(sfn, arn)) ?? { name, arn, status: 'RUNNING' };
}

export interface FollowOptions {
  waitMs: number;
  pollMs?: number;
  /** Each history event once, in order (progress on a terminal). */
  onEvent?: (event: HistoryEvent) => void;
}

/** Polls an execution until it is no longer running or `waitMs` passed; returns it as it then stands. */
export async function followExecution(
  sfn: SFNClient,
  execution: ExecutionState,
  opts: FollowOptions,
): Promise<ExecutionState> {
  const deadline = Date.now() + opts.waitMs;
  const pollMs = opts.pollMs ?? 15_000;
  let seen = 0;
  let state = execution;
  for (;;) {
    if (opts.onEvent) {
      const events = await history(sfn, state.arn);
      for (const e of events.filter((e) => (e.id ?? 0) > seen)) opts.onEvent(e);
      seen = Math.max(seen, ...events.map((e) => e.id ?? 0));
    }
    if (state.status !== 'RUNNING' || Date.now() >= deadline) return state;
    await sleep(pollMs);
    state = (await describeExecution(sfn, state.arn)) ?? state;
  }
}

async function history(sfn: SFNClient, arn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn }, { executionArn: arn }))
    events.push(...(page.events ?? []));
  return events;
}
