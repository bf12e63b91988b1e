import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import { backupStatus, renderBackupStatus } from '../../protect/backup/backup-status.js';
import { restoreFromBackup, type BackupRestoreReport } from '../../protect/backup/restore.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';

const endpointHelp = 'AWS endpoint override (default: AWS_ENDPOINT_URL, else the running sandbox)';

/** The AWS Backup path (seed 001): what each layer holds. Restores are `airgap restore --from backup`. */
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
    .option('--endpoint <url>', endpointHelp)
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

/** The restore sources `airgap restore --from` takes; the vault path's restores are subcommands (s3, rds, …). */
const RESTORE_SOURCES = ['backup'] as const;

interface BackupRestoreFlags {
  config: string;
  from?: string;
  resource?: string;
  recoveryPoint?: string;
  to?: string;
  subnetGroup?: string;
  securityGroups?: string;
  dryRun?: boolean;
  endpoint?: string;
  output: string;
}

/**
 * `airgap restore --from backup --recovery-point ARN|latest --resource …`: from the logically air-gapped vault,
 * through its RAM share, into the restore account. The options sit on the `restore` group itself, before any
 * subcommand (positional options), so `restore rds --from <id>` keeps its own `--from`.
 */
export function addBackupRestoreOptions(restore: Command): void {
  restore
    .addOption(configOption())
    .addOption(
      new Option(
        '--from <source>',
        'backup: restore from the logically air-gapped vault (AWS Backup path)',
      ).choices(RESTORE_SOURCES),
    )
    .option(
      '--resource <arn|name>',
      'with --from backup: the protected resource, its ARN or the bucket name or cluster id',
    )
    .option(
      '--recovery-point <arn|latest>',
      'with --from backup: a recovery point ARN of the air-gapped vault, or latest',
    )
    .option('--to <name>', 'target bucket or cluster (airgap-restore-…); default: source name and point time')
    .option(
      '--subnet-group <name>',
      'Aurora: DB subnet group of the restore account (default: the default VPC)',
    )
    .option('--security-groups <ids>', 'Aurora: comma-separated security group ids of the restore account')
    .option('--dry-run', 'print the restore request and change nothing')
    .option('--endpoint <url>', endpointHelp)
    .addOption(outputOption())
    .action(async (opts: BackupRestoreFlags) => {
      if (!opts.from)
        throw new InputError([
          'restore: say what to restore: airgap restore s3|rds|aurora|ebs … (vault path), or airgap restore --from backup --resource R --recovery-point ARN|latest (AWS Backup path)',
        ]);
      const missing = [
        ...(opts.resource ? [] : ['--resource <arn|name>']),
        ...(opts.recoveryPoint ? [] : ['--recovery-point <arn|latest>']),
      ];
      if (missing.length > 0)
        throw new InputError([`restore --from backup: missing ${missing.join(' and ')}`]);
      const config = loadConfig(opts.config);
      if (!config.paths.backup)
        throw new InputError([
          `${opts.config}: paths.backup is off: there is no AWS Backup path to restore from`,
        ]);
      const report = await restoreFromBackup(awsClientsFor(config, { endpoint: opts.endpoint }), config, {
        resource: opts.resource!,
        recoveryPoint: opts.recoveryPoint!,
        to: opts.to,
        subnetGroup: opts.subnetGroup,
        securityGroups: opts.securityGroups?.split(',').filter(Boolean),
        dryRun: opts.dryRun ?? false,
      });
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderRestore(report));
    });
}

function renderRestore(r: BackupRestoreReport): string {
  const what = `${r.resource} from ${r.recoveryPoint} (${r.recoveryPointCreatedAt}) into ${r.target}`;
  const head = r.dryRun
    ? `would restore ${what}`
    : r.resumed
      ? `restore job ${r.restoreJobId} already restores ${what}`
      : `restore job ${r.restoreJobId} started: ${what}`;
  return [
    head,
    ...Object.entries(r.request.Metadata ?? {}).map(([k, v]) => `  ${k}=${v}`),
    ...r.nextSteps.map((s) => `then ${s}`),
  ].join('\n');
}
