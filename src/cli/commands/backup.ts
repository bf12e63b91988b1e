import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { backupStatus, renderBackupStatus } from '../../protect/backup/backup-status.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';

/** The AWS Backup path (seed 001): what each layer holds. Restores are `airgap restore backup`. */
export function registerBackupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description('the AWS Backup path: local, backup-account and air-gapped vaults');
  backup
    .command('status')
    .description(
      'per protected resource and layer: the newest recovery point and its age against the RPO; failed and running backup and copy jobs',
    )
    .addOption(configOption())
    .option('--endpoint <url>', 'AWS endpoint override (default: AWS_ENDPOINT_URL, else the running sandbox)')
    .addOption(outputOption())
    .action(async (opts: { config: string; endpoint?: string; output: string }) => {
      const config = loadConfig(opts.config);
      if (!config.paths.backup)
        throw new InputError([
          `${opts.config}: paths.backup is off: there is no AWS Backup path to report on`,
        ]);
      const report = await backupStatus(awsClientsFor(config, { endpoint: opts.endpoint }), config);
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderBackupStatus(report));
      if (report.outsideRpo > 0)
        throw new CheckFailed(
          `${report.outsideRpo} resource layer(s) outside their RPO or without a recovery point`,
        );
    });
}
