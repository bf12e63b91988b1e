import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { summarize, synthesize } from '../../infra/synth.js';
import { configOption, outputOption } from '../options.js';

export function registerSynthCommands(program: Command): void {
  program
    .command('synth')
    .description(
      'write a CloudFormation template per account role and the SCP/RCP guardrails of both organizations',
    )
    .addOption(configOption())
    .option('--out <dir>', 'output folder', 'cdk.out')
    .addOption(outputOption())
    .action((opts: { config: string; out: string; output: string }) => {
      const config = loadConfig(opts.config);
      const manifest = synthesize(config, opts.out);
      console.log(opts.output === 'json' ? JSON.stringify(manifest, null, 2) : summarize(config, manifest));
    });
}
