import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed } from '../../errors.js';
import { preflight, renderPreflight } from '../../protect/snapshots/preflight.js';
import { snapshotApisFor } from '../../sandbox/snapshot-copy-emulator.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { renderStatus, snapshotStatus } from '../../status/status.js';
import { configOption, outputOption } from '../options.js';
import { endpointOption } from './s3.js';

/** Snapshot vaulting: the KMS preflight before onboarding, and the snapshot path's RPO status. */
export function registerSnapshotCommands(program: Command): void {
  program
    .command('preflight')
    .description(
      'KMS preflight: protected DBs, clusters, volumes and snapshots the vault could not copy, and what to change',
    )
    .addOption(configOption())
    .addOption(endpointOption())
    .addOption(outputOption())
    .action(async (opts: { config: string; endpoint?: string; output: string }) => {
      const config = loadConfig(opts.config);
      const clients = awsClientsFor(config, { endpoint: opts.endpoint });
      const report = await preflight({ clients, config, apis: snapshotApisFor(clients, config) });
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderPreflight(report));
      if (report.findings.length > 0)
        throw new CheckFailed(`preflight: ${report.findings.length} finding(s) to fix before onboarding`);
    });

  program
    .command('snapshots')
    .description('snapshot vaulting (RDS, Aurora, EBS)')
    .command('status')
    .description('per protected DB, cluster and volume: its newest vault copy and its age against the RPO')
    .addOption(configOption())
    .addOption(endpointOption())
    .addOption(outputOption())
    .action(async (opts: { config: string; endpoint?: string; output: string }) => {
      const config = loadConfig(opts.config);
      const report = await snapshotStatus(awsClientsFor(config, { endpoint: opts.endpoint }), config);
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderStatus(report));
      if (report.outsideRpo > 0)
        throw new CheckFailed(`${report.outsideRpo} resource(s) outside their RPO or never in the vault`);
    });
}
