import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { estimateCost } from '../../cost/estimate.js';
import { priceSheet } from '../../cost/prices.js';
import { renderCost } from '../../cost/render.js';
import { loadSizes } from '../../cost/sizes.js';
import { configOption, outputOption } from '../options.js';

export function registerCostCommands(program: Command): void {
  program
    .command('cost')
    .description('monthly cost per protected resource and path, and which path is cheaper at its retention')
    .addOption(configOption())
    .option(
      '--sizes <file>',
      'observed sizes per resource (YAML or JSON): service -> name -> { storedGiB, ... }',
    )
    .addOption(outputOption())
    .action((opts: { config: string; sizes?: string; output: string }) => {
      const config = loadConfig(opts.config);
      const estimate = estimateCost(
        config,
        opts.sizes ? loadSizes(opts.sizes) : {},
        priceSheet(config.vault.region),
      );
      console.log(opts.output === 'json' ? JSON.stringify(estimate, null, 2) : renderCost(estimate));
    });
}
