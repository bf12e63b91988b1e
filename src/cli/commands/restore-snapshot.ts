import { Option, type Command } from 'commander';
import { vaultCatalog } from '../../catalog/catalog.js';
import { loadConfig } from '../../config/index.js';
import { CheckFailed } from '../../errors.js';
import { parseRestoreTime } from '../../protect/s3/restore.js';
import { SNAPSHOT_SERVICES, type SnapshotService } from '../../protect/snapshots/model.js';
import { restoreSnapshot, type SnapshotRestoreReport } from '../../protect/snapshots/restore.js';
import {
  restoreThroughWorkflow,
  type WorkflowRestoreReport,
} from '../../protect/snapshots/restore-execution.js';
import { restoreRoleApis, snapshotApisFor } from '../../sandbox/snapshot-copy-emulator.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';
import { endpointOption, positiveInt } from './s3.js';

const WHAT: Record<SnapshotService, string> = {
  rds: 'an RDS DB instance',
  aurora: 'an Aurora DB cluster (and its first instance)',
  ebs: 'an EBS volume',
};

/** The options every restore that copies, then restores, shares: plan only, how long to wait, where, how to print. */
export function withRestoreRunOptions(command: Command): Command {
  return command
    .option('--dry-run', 'print the steps still to do and change nothing')
    .addOption(
      new Option('--wait <minutes>', 'how long to wait for the copy and the restore')
        .default(60)
        .argParser(positiveInt),
    )
    .addOption(endpointOption())
    .addOption(outputOption());
}

/** What a restore that copies, then restores, is given on its command line. */
export interface RestoreRunOpts {
  config: string;
  from: string;
  at?: string;
  to?: string;
  dryRun?: boolean;
  wait: number;
  endpoint?: string;
  output: string;
}

/** The run options of such a restore from its command line: the point in time, the wait, progress on a terminal. */
export function restoreRunOptions(opts: RestoreRunOpts) {
  return {
    from: opts.from,
    at: opts.at === undefined ? undefined : parseRestoreTime(opts.at),
    to: opts.to,
    dryRun: opts.dryRun ?? false,
    waitMs: opts.wait * 60_000,
    onStep:
      opts.output === 'text' && process.stderr.isTTY
        ? (s: { step: string; state: string; seconds: number }) =>
            process.stderr.write(`${s.step}: ${s.state} (${s.seconds.toFixed(1)} s)\n`)
        : undefined,
  };
}

/** Prints a restore's report; one still running after the wait exits non-zero, saying to run it again. */
export function printRestoreReport<R extends { dryRun: boolean; complete: boolean }>(
  report: R,
  output: string,
  render: (r: R) => string,
  what: string,
): void {
  console.log(output === 'json' ? JSON.stringify(report, null, 2) : render(report));
  if (!report.dryRun && !report.complete)
    throw new CheckFailed(`restore of ${what} not complete yet: run the same command again to continue`);
}

/** The step lines of a restore report: name, state, seconds, detail. */
export function renderSteps(
  steps: readonly { step: string; state: string; seconds: number; detail: string }[],
) {
  return steps.map(
    (s) => `  ${s.step.padEnd(8)} ${s.state.padEnd(12)} ${s.seconds.toFixed(1).padStart(7)} s  ${s.detail}`,
  );
}

/** `airgap restore rds|aurora|ebs`: one subcommand per snapshot service, the same options. */
export function registerSnapshotRestoreCommands(restore: Command): void {
  for (const service of SNAPSHOT_SERVICES)
    withRestoreRunOptions(
      restore
        .command(service)
        .description(`restore ${WHAT[service]} from a vault copy into the restore account`)
        .addOption(configOption())
        .requiredOption(
          '--from <id>',
          'a catalog id, a vault copy id or ARN, or a protected resource name or ARN (its newest copy)',
        )
        .option(
          '--at <time>',
          'with a resource in --from: its newest copy taken at or before this ISO 8601 time',
        )
        .option('--to <name>', 'name of the restored resource (default: airgap-restore-<catalog id>)')
        .option(
          '--workflow',
          "start the vault's restore workflow (Step Functions) instead of running the steps here; with --wait, follow it",
        ),
    ).action(async (opts: RestoreRunOpts & { workflow?: boolean }, command: Command) => {
      const config = loadConfig(opts.config);
      const run = restoreRunOptions(opts);
      const clients = awsClientsFor(config, { endpoint: opts.endpoint });
      if (opts.workflow) {
        const followed = command.getOptionValueSource('wait') === 'cli';
        const report = await restoreThroughWorkflow(
          { clients, config, catalog: vaultCatalog(clients, config) },
          {
            service,
            ...run,
            waitMs: followed ? run.waitMs : undefined,
            onRun:
              opts.output === 'text' && process.stderr.isTTY
                ? (n, s) =>
                    process.stderr.write(
                      `run ${n}: ${s.steps.map((x) => `${x.step} ${x.state}`).join(', ') || 'nothing to do'}\n`,
                    )
                : undefined,
          },
        );
        printWorkflowRestore(report, opts.output, followed);
        return;
      }
      const report = await restoreSnapshot(
        {
          clients,
          config,
          catalog: vaultCatalog(clients, config),
          apis: snapshotApisFor(clients, config),
          restore: restoreRoleApis(clients, config),
        },
        { service, ...run },
      );
      printRestoreReport(report, opts.output, renderSnapshotRestore, report.copy.vaultCopyId);
    });
}

export function renderSnapshotRestore(r: SnapshotRestoreReport): string {
  const head = `${r.dryRun ? 'would restore' : 'restore'} ${r.service} ${r.copy.sourceResource} as of ${r.copy.createdAt} (catalog ${r.copy.id}) into account ${r.target.account} ${r.target.region} as ${r.target.name}`;
  const steps = renderSteps(r.steps);
  const tail = r.restored
    ? `${r.restored.arn} ${r.restored.status} (${r.seconds.toFixed(1)} s in all)`
    : `${r.seconds.toFixed(1)} s in all`;
  return [head, ...steps, tail].join('\n');
}

/**
 * Prints a workflow restore: the execution and, once it ended, its outcome. Followed (`--wait`), an execution that
 * failed or is still running exits non-zero; not followed, starting it (or finding it) is the command's success.
 */
export function printWorkflowRestore(r: WorkflowRestoreReport, output: string, followed: boolean): void {
  console.log(output === 'json' ? JSON.stringify(r, null, 2) : renderWorkflowRestore(r));
  if (r.dryRun) return;
  const { status, arn, error, cause } = r.execution;
  if (['FAILED', 'TIMED_OUT', 'ABORTED'].includes(status))
    throw new CheckFailed(
      `restore workflow execution ${arn} ${status}: ${error ?? 'no error'}: ${cause ?? 'no cause'}`,
    );
  if (followed && status !== 'SUCCEEDED')
    throw new CheckFailed(
      `restore workflow execution ${arn} still ${status}: run the same command again to follow it`,
    );
}

export function renderWorkflowRestore(r: WorkflowRestoreReport): string {
  const e = r.execution;
  const verb = r.dryRun
    ? e.status === 'NOT_STARTED'
      ? 'would start'
      : 'found'
    : e.started
      ? 'started'
      : 'found';
  const lines = [
    `${r.dryRun ? 'would restore' : 'restore'} ${r.service} ${r.copy.sourceResource} as of ${r.copy.createdAt} (catalog ${r.copy.id}) into account ${r.target.account} ${r.target.region} as ${r.target.name}`,
    `  ${verb} execution ${e.name} of ${r.stateMachine}: ${e.status}`,
    `  ${e.arn}`,
    ...r.earlierFailures.map((f) =>
      `  earlier ${f.name} ${f.status}: ${f.error ?? ''} ${f.cause ?? ''}`.trimEnd(),
    ),
  ];
  if (r.summary) {
    lines.push(...r.summary.steps.map((s) => `  ${s.step.padEnd(8)} ${s.state.padEnd(12)} ${s.detail}`));
    if (r.summary.restored) lines.push(`${r.summary.restored.arn} ${r.summary.restored.status}`);
  }
  return lines.join('\n');
}
