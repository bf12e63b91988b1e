import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { restoreEfs, type EfsRestoreReport } from '../../protect/efs/restore.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption } from '../options.js';
import {
  printRestoreReport,
  renderSteps,
  restoreRunOptions,
  withRestoreRunOptions,
  type RestoreRunOpts,
} from './restore-snapshot.js';

/** `airgap restore efs`: a new file system in the restore account from a recovery point of the vault replica. */
export function registerEfsRestoreCommand(restore: Command): void {
  withRestoreRunOptions(
    restore
      .command('efs')
      .description(
        'restore an EFS file system into a new one of the restore account, from a recovery point of its vault replica',
      )
      .addOption(configOption())
      .requiredOption('--from <fs>', 'a protected file system id (fs-...) or ARN')
      .option('--at <time>', 'its newest recovery point taken at or before this ISO 8601 time')
      .option(
        '--to <token>',
        'creation token of the new file system (default: airgap-restore-<id>-<point time>)',
      ),
  ).action(async (opts: RestoreRunOpts) => {
    const config = loadConfig(opts.config);
    const run = restoreRunOptions(opts);
    const report = await restoreEfs(awsClientsFor(config, { endpoint: opts.endpoint }), config, run);
    printRestoreReport(report, opts.output, renderEfsRestore, report.fileSystem);
  });
}

export function renderEfsRestore(r: EfsRestoreReport): string {
  const head = `${r.dryRun ? 'would restore' : 'restore'} efs ${r.fileSystem} as of ${r.recoveryPoint.createdAt} (${r.recoveryPoint.arn}) into account ${r.target.account} ${r.target.region} as ${r.target.name}`;
  const steps = renderSteps(r.steps);
  const tail = r.restored
    ? `${r.restored.arn} (${r.seconds.toFixed(1)} s in all)`
    : `${r.seconds.toFixed(1)} s in all`;
  return [head, ...steps, tail].join('\n');
}
