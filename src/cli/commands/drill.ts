import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { DRILL_KEYS, planDrill, planText } from '../../drill/plan.js';
import { drillModel, runDrill } from '../../drill/run.js';
import { CheckFailed, InputError } from '../../errors.js';
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
      new Option(
        '--target <target>',
        'sandbox: a local moto_server; aws: the real accounts, drill-tagged resources only',
      )
        .choices(['sandbox', 'aws'])
        .default('sandbox'),
    )
    .option('--endpoint <url>', 'with --target aws: an endpoint that stands in for AWS')
    .option(
      '--keep',
      'leave the sandbox running (stop it with `airgap sandbox down`), or the drill resources on AWS',
    )
    .option('--report-dir <dir>', 'where reports/drill-<time>/ goes', 'reports')
    .option(
      '--evidence-bucket',
      "on the sandbox: also keep the report in the vault account's evidence bucket under Object Lock, as --target aws always does",
    )
    .option(
      '--templates <dir>',
      'authorize attacks against this synth output (what you deployed) instead of a fresh synth',
    )
    .option(
      '--dry-run',
      'print the plan (target, steps, what it would create, the attacks) and change nothing',
    )
    .addOption(outputOption())
    .action(
      async (opts: {
        config: string;
        target: 'sandbox' | 'aws';
        endpoint?: string;
        keep?: boolean;
        evidenceBucket?: boolean;
        reportDir: string;
        templates?: string;
        dryRun?: boolean;
        output: string;
      }) => {
        if (opts.endpoint && opts.target !== 'aws')
          throw new InputError([
            `--endpoint ${opts.endpoint}: only with --target aws (the sandbox starts its own endpoint)`,
          ]);
        const config = loadConfig(opts.config);
        if (opts.dryRun) {
          const plan = await planDrill(config, drillModel(config, opts.templates), {
            target: opts.target,
            keys: DRILL_KEYS,
            ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
          });
          console.log(opts.output === 'json' ? JSON.stringify(plan, null, 2) : planText(plan));
          const failed = plan.preflight.filter((c) => !c.passed);
          if (failed.length)
            throw new CheckFailed(failed.map((c) => `  - ${c.check}: ${c.detail}`).join('\n'));
          return;
        }
        const { evidence, report, server } = await runDrill(config, {
          target: opts.target,
          keep: opts.keep ?? false,
          evidenceBucket: opts.evidenceBucket ?? false,
          reportDir: opts.reportDir,
          ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
          ...(opts.templates ? { templates: opts.templates } : {}),
          // A line per step on a terminal; piped output and logs get the verdict line alone.
          progress:
            opts.output === 'text' && process.stderr.isTTY ? (line) => console.error(`  ${line}`) : undefined,
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
        if (opts.output === 'json')
          console.log(JSON.stringify({ report: report?.dir, ...evidence, manifest: undefined }, null, 2));
        else {
          console.log(
            `drill ${evidence.verdict.passed ? 'PASSED' : 'FAILED'}; evidence in ${report?.dir}/ (report.html, report.md, evidence.json)${evidence.evidenceStore ? ` and ${evidence.evidenceStore} (Object Lock)` : ''}`,
          );
        }
        if (!evidence.verdict.passed)
          throw new CheckFailed(evidence.verdict.reasons.map((r) => `  - ${r}`).join('\n'));
      },
    );
}
