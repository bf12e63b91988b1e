import type { Command } from 'commander';
import { loadConfig, protectedFileSystems } from '../../config/index.js';
import { CheckFailed, InputError } from '../../errors.js';
import {
  applyEfsReplicationPlan,
  efsReplicationPlan,
  type ReplicationStep,
} from '../../protect/efs/replication.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';
import { endpointOption } from './s3.js';

function render(step: ReplicationStep, dryRun: boolean): string {
  switch (step.action) {
    case 'create':
      return `${step.fileSystem}: ${dryRun ? 'would create' : 'created'} replication into ${step.destination} (${step.region}) as ${step.role}`;
    case 'in-place':
      return `${step.fileSystem}: replicates into ${step.destination} already (${step.status})`;
    case 'blocked':
      return `${step.fileSystem}: NOT REPLICATING: ${step.reason}`;
  }
}

/** EFS on the vault path: point each protected file system's replication at its replica in the vault. */
export function registerEfsCommands(program: Command): void {
  program
    .command('efs')
    .description('EFS replication into the vault account')
    .command('configure-replication')
    .description(
      "create each protected file system's replication into its replica in the vault account (as the source account, with its AirGapEfsReplication role); idempotent",
    )
    .addOption(configOption())
    .option('--file-system <id>', 'only this protected file system (id or ARN)')
    .option('--dry-run', 'print the replication configurations it would create and change nothing')
    .addOption(endpointOption())
    .addOption(outputOption())
    .action(
      async (opts: {
        config: string;
        fileSystem?: string;
        dryRun?: boolean;
        endpoint?: string;
        output: string;
      }) => {
        const config = loadConfig(opts.config);
        const all = protectedFileSystems(config);
        const chosen = opts.fileSystem
          ? all.filter((fs) => fs.id === opts.fileSystem || fs.arn === opts.fileSystem)
          : all;
        if (chosen.length === 0)
          throw new InputError([
            opts.fileSystem
              ? `--file-system ${opts.fileSystem}: not a protected EFS file system of ${opts.config}; protected: ${all.map((fs) => fs.id).join(', ') || '(none)'}`
              : `${opts.config}: protects no EFS file system on the vault path (protect.efs, paths.vault)`,
          ]);
        const clients = awsClientsFor(config, { endpoint: opts.endpoint });
        const steps = await efsReplicationPlan(clients, config, chosen);
        if (!opts.dryRun) await applyEfsReplicationPlan(clients, chosen, steps);
        const dryRun = opts.dryRun ?? false;
        console.log(
          opts.output === 'json'
            ? JSON.stringify({ dryRun, steps }, null, 2)
            : steps.map((s) => render(s, dryRun)).join('\n'),
        );
        const blocked = steps.filter((s) => s.action === 'blocked').length;
        if (blocked > 0) throw new CheckFailed(`${blocked} file system(s) cannot replicate into the vault`);
      },
    );
}
