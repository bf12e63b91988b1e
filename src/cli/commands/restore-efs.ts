import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed } from '../../errors.js';
import { restoreEfs, type EfsRestoreReport } from '../../protect/efs/restore.js';
import { parseRestoreTime } from '../../protect/s3/restore.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption } from '../options.js';
import { renderSteps, withRestoreRunOptions } from './restore-snapshot.js';

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
  ).action(
    async (opts: {
      config: string;
      from: string;
      at?: string;
      to?: string;
      dryRun?: boolean;
      wait: number;
      endpoint?: string;
      output: string;
    }) => {
      const config = loadConfig(opts.config);
      const at = opts.at === undefined ? undefined : parseRestoreTime(opts.at);
      const tty = opts.output === 'text' && process.stderr.isTTY;
      const report = await restoreEfs(awsClientsFor(config, { endpoint: opts.endpoint }), config, {
        from: opts.from,
        at,
        to: opts.to,
        dryRun: opts.dryRun ?? false,
        waitMs: opts.wait * 60_000,
        onStep: tty
          ? (s) => process.stderr.write(`${s.step}: ${s.state} (${s.seconds.toFixed(1)} s)\n`)
          : undefined,
      });
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderEfsRestore(report));
      if (!report.dryRun && !report.complete)
        throw new CheckFailed(
          `restore of ${report.fileSystem} not complete yet: run the same command again to continue`,
        );
    },
  );
}

export function renderEfsRestore(r: EfsRestoreReport): string {
  const head = `${r.dryRun ? 'would restore' : 'restore'} efs ${r.fileSystem} as of ${r.recoveryPoint.createdAt} (${r.recoveryPoint.arn}) into account ${r.target.account} ${r.target.region} as ${r.target.name}`;
  const steps = renderSteps(r.steps);
  const tail = r.restored
    ? `${r.restored.arn} (${r.seconds.toFixed(1)} s in all)`
    : `${r.seconds.toFixed(1)} s in all`;
  return [head, ...steps, tail].join('\n');
}
