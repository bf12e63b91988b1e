import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckFailed } from '../../errors.js';
import type { WorkflowRestoreReport } from '../../protect/snapshots/restore-execution.js';
import { printWorkflowRestore } from './restore-snapshot.js';

const ARN = 'arn:aws:states:us-east-1:200000000002:execution:quickstart-airgap-restore:rds-0a';
const report = (
  status: string,
  extra: Partial<WorkflowRestoreReport['execution']> = {},
): WorkflowRestoreReport => ({
  service: 'rds',
  dryRun: false,
  copy: {
    id: '0a',
    vaultCopyId: 'airgap-0a',
    sourceResource: 'arn:aws:rds:us-east-1:1:db:orders',
    createdAt: '',
  },
  target: { account: '200000000004', region: 'us-east-1', name: 'airgap-restore-0a' },
  request: { service: 'rds', from: '0a', to: 'airgap-restore-0a' },
  stateMachine: 'arn:aws:states:us-east-1:200000000002:stateMachine:quickstart-airgap-restore',
  execution: { name: 'rds-0a', arn: ARN, status, started: true, ...extra },
  earlierFailures: [],
  summary: undefined,
  complete: false,
});

describe('printWorkflowRestore: the exit of `restore … --workflow`', () => {
  afterEach(() => vi.restoreAllMocks());
  const quiet = () => vi.spyOn(console, 'log').mockImplementation(() => undefined);

  it('started and not followed: exit 0, the ARN printed', () => {
    const log = quiet();
    printWorkflowRestore(report('RUNNING'), 'text', false);
    expect(log.mock.calls.flat().join('\n')).toContain(ARN);
  });

  it('followed (--wait) and still running at the end of the wait: exit 1, saying to run it again', () => {
    quiet();
    expect(() => printWorkflowRestore(report('RUNNING'), 'text', true)).toThrow(
      new CheckFailed(
        `restore workflow execution ${ARN} still RUNNING: run the same command again to follow it`,
      ),
    );
  });

  it('an execution that failed: exit 1 with its error and cause, followed or not', () => {
    quiet();
    const failed = report('FAILED', { error: 'InputError', cause: '--to taken' });
    for (const followed of [true, false])
      expect(() => printWorkflowRestore(failed, 'json', followed)).toThrow(
        new CheckFailed(`restore workflow execution ${ARN} FAILED: InputError: --to taken`),
      );
  });
});
