import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { runDrill } from '../../drill/run.js';
import { CheckFailed, InputError } from '../../errors.js';
import { writeDrillReport } from '../../report/drill-report.js';
import { writeSandboxState } from '../../sandbox/state.js';
import { configOption, outputOption } from '../options.js';

export function registerDrillCommands(program: Command): void {
  program
    .command('drill')
    .description(
      'a ransomware recovery drill end to end (attack, restore, verify, measure) with an evidence report',
    )
    .addOption(configOption())
    .addOption(
      new Option('--target <target>', 'where to run it').choices(['sandbox', 'aws']).default('sandbox'),
    )
    .option('--keep', 'leave the sandbox running afterwards (stop it with `airgap sandbox down`)')
    .option('--report-dir <dir>', 'where reports/drill-<time>/ goes', 'reports')
    .option(
      '--templates <dir>',
      'authorize attacks against this synth output (what you deployed) instead of a fresh synth',
    )
    .addOption(outputOption())
    .action(
      async (opts: {
        config: string;
        target: string;
        keep?: boolean;
        reportDir: string;
        templates?: string;
        output: string;
      }) => {
        const config = loadConfig(opts.config);
        if (opts.target === 'aws') {
          throw new InputError([
            '--target aws: not available yet; the drill runs on the sandbox only (see the README, "The drill")',
          ]);
        }
        const { evidence, server } = await runDrill(config, {
          keep: opts.keep ?? false,
          ...(opts.templates ? { templates: opts.templates } : {}),
          progress: opts.output === 'text' ? (line) => console.error(`  ${line}`) : undefined,
        });
        if (server) {
          writeSandboxState({
            endpoint: server.endpoint,
            pid: server.pid,
            port: server.port,
            startedAt: evidence.startedAt,
            config: opts.config,
            accounts: {},
          });
        }
        const report = writeDrillReport(evidence, opts.reportDir);
        if (opts.output === 'json')
          console.log(JSON.stringify({ report: report.dir, ...evidence, manifest: undefined }, null, 2));
        else {
          console.log(
            `drill ${evidence.verdict.passed ? 'PASSED' : 'FAILED'}; evidence in ${report.dir}/ (report.html, report.md, evidence.json)`,
          );
        }
        if (!evidence.verdict.passed)
          throw new CheckFailed(evidence.verdict.reasons.map((r) => `  - ${r}`).join('\n'));
      },
    );
}
