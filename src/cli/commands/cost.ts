import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { estimateCost } from '../../cost/estimate.js';
import { observeSizes, withOverrides } from '../../cost/observe.js';
import { priceSheet } from '../../cost/prices.js';
import { renderCost } from '../../cost/render.js';
import { loadSizes } from '../../cost/sizes.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';

export function registerCostCommands(program: Command): void {
  program
    .command('cost')
    .description('monthly cost per protected resource and path, and which path is cheaper at its retention')
    .addOption(configOption())
    .option(
      '--sizes <file>',
      'sizes per resource (YAML or JSON): service -> name -> { storedGiB, ... }; with --observe, overrides what was read',
    )
    .option(
      '--observe',
      'read sizes from the accounts (S3 storage metrics, RDS allocated storage, Aurora volume bytes, EBS volume sizes)',
    )
    .option(
      '--endpoint <url>',
      'AWS endpoint override for --observe (default: AWS_ENDPOINT_URL, else the running sandbox)',
    )
    .addOption(outputOption())
    .action(
      async (opts: {
        config: string;
        sizes?: string;
        observe?: boolean;
        endpoint?: string;
        output: string;
      }) => {
        const config = loadConfig(opts.config);
        const given = opts.sizes ? loadSizes(opts.sizes) : {};
        const sizes = opts.observe
          ? withOverrides(
              await observeSizes(awsClientsFor(config, { endpoint: opts.endpoint }), config),
              given,
            )
          : given;
        const estimate = estimateCost(config, sizes, priceSheet(config.vault.region));
        console.log(opts.output === 'json' ? JSON.stringify(estimate, null, 2) : renderCost(estimate));
      },
    );
}
