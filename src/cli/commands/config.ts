import type { Command } from 'commander';
import { configJsonSchema, loadConfig } from '../../config/index.js';
import { configReferenceMarkdown } from '../../config/reference.js';
import { accountsByRole, protectedServices } from '../../config/plan.js';
import { configOption } from '../options.js';

export function registerConfigCommands(program: Command): void {
  program
    .command('validate')
    .description(
      'check a config: one line per problem (file, path, what is wrong, what is allowed); exit 2 on any',
    )
    .addOption(configOption())
    .action((opts: { config: string }) => {
      const config = loadConfig(opts.config);
      const accounts = accountsByRole(config);
      console.log(
        `${opts.config}: valid — ${accounts.length} accounts, protecting ${protectedServices(config).join(', ')}; paths: ${Object.entries(
          config.paths,
        )
          .filter(([, on]) => on)
          .map(([p]) => p)
          .join(' + ')}`,
      );
      if (config.vault.retention.mode === 'GOVERNANCE') {
        console.warn(
          'warning: vault.retention.mode is GOVERNANCE: the lock can be bypassed; this is not an air gap',
        );
      }
    });

  program
    .command('schema')
    .description('print the JSON Schema of airgap.yaml (for editor completion), or its reference as Markdown')
    .option('--markdown', 'print the config reference table (as in the README) instead')
    .action((opts: { markdown?: boolean }) => {
      console.log(opts.markdown ? configReferenceMarkdown() : JSON.stringify(configJsonSchema(), null, 2));
    });
}
