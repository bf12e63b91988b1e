import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { isRunning, sandboxDown, sandboxEnvironment, sandboxUp } from '../../sandbox/lifecycle.js';
import { readSandboxState } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';

export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('a local multi-account AWS (moto_server) for the config');

  sandbox
    .command('up')
    .description('start moto_server on a free loopback port and provision the config in it (idempotent)')
    .addOption(configOption())
    .addOption(outputOption())
    .action(async (opts: { config: string; output: string }) => {
      const config = loadConfig(opts.config);
      const { state, provision, reused } = await sandboxUp(config, opts.config);
      if (opts.output === 'json') {
        console.log(JSON.stringify({ ...state, provision }, null, 2));
        return;
      }
      console.log(
        `sandbox ${reused ? 'already running' : 'started'} at ${state.endpoint} (pid ${state.pid})`,
      );
      console.log(
        `organizations: source ${provision.organizations.source}, vault ${provision.organizations.vault}`,
      );
      for (const b of provision.buckets)
        console.log(`  ${b.source} -> ${b.vault} (Object Lock ${config.vault.retention.mode})`);
      console.log('Point the AWS CLI or SDK at it:');
      for (const line of sandboxEnvironment(state, config.vault.region)) console.log(`  ${line}`);
    });

  sandbox
    .command('status')
    .description('the sandbox endpoint and the account id of every role')
    .addOption(outputOption())
    .action((opts: { output: string }) => {
      const state = readSandboxState();
      const running = state !== undefined && isRunning(state.pid);
      if (opts.output === 'json') {
        console.log(JSON.stringify({ running, ...state }, null, 2));
        return;
      }
      if (!state || !running) {
        console.log('no sandbox is running (start one with `airgap sandbox up --config FILE`)');
        return;
      }
      console.log(
        `running at ${state.endpoint} (pid ${state.pid}, since ${state.startedAt}, config ${state.config})`,
      );
      for (const [role, id] of Object.entries(state.accounts)) console.log(`  ${role.padEnd(20)} ${id}`);
    });

  sandbox
    .command('down')
    .description('stop the moto_server this project started (by its recorded pid)')
    .action(() => {
      const { stopped, pid } = sandboxDown();
      console.log(stopped ? `stopped the sandbox (pid ${pid})` : 'no sandbox was running');
    });
}
