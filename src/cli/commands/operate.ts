import type { Command } from 'commander';
import { audit } from '../../audit/audit.js';
import { renderAudit } from '../../audit/render.js';
import { synthesizedTemplates } from '../../audit/synthesized-templates.js';
import { loadConfig } from '../../config/index.js';
import { CheckFailed } from '../../errors.js';
import { awsClientsFor } from '../../sandbox/state.js';
import { renderStatus, vaultStatus } from '../../status/status.js';
import { configOption, outputOption } from '../options.js';

const endpointHelp = 'AWS endpoint override (default: AWS_ENDPOINT_URL, else the running sandbox)';

/** Operating the vault: is everything in it within its RPO, and has anything drifted from what was deployed. */
export function registerOperateCommands(program: Command): void {
  program
    .command('status')
    .description(
      'per protected resource: its newest copy in the vault, its age against the RPO, its retention',
    )
    .addOption(configOption())
    .option('--no-canary', 'do not write the canary object into the protected buckets (read only)')
    .option('--endpoint <url>', endpointHelp)
    .addOption(outputOption())
    .action(async (opts: { config: string; canary: boolean; endpoint?: string; output: string }) => {
      const config = loadConfig(opts.config);
      const report = await vaultStatus(awsClientsFor(config, { endpoint: opts.endpoint }), config, {
        writeCanary: opts.canary,
      });
      console.log(opts.output === 'json' ? JSON.stringify(report, null, 2) : renderStatus(report));
      if (report.outsideRpo > 0)
        throw new CheckFailed(
          `${report.outsideRpo} resource path(s) outside their RPO or never in the vault`,
        );
    });

  program
    .command('audit')
    .description('read-only drift checks of the live accounts against the config and the guardrails')
    .addOption(configOption())
    .option(
      '--templates <dir>',
      'hold the key policy and restore role to what `airgap synth` wrote there (default: synthesize first)',
    )
    .option('--endpoint <url>', endpointHelp)
    .addOption(outputOption(['text', 'json', 'md', 'html']))
    .action(async (opts: { config: string; templates?: string; endpoint?: string; output: string }) => {
      const config = loadConfig(opts.config);
      const templates = synthesizedTemplates(config, opts.templates);
      const report = await audit(awsClientsFor(config, { endpoint: opts.endpoint }), config, { templates });
      console.log(renderAudit(report, opts.output));
      if (report.failed > 0) throw new CheckFailed(`audit: ${report.failed} control(s) failed`);
    });
}
