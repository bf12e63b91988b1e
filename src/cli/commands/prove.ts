import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { CheckFailed } from '../../errors.js';
import { loadModel } from '../../proof/model.js';
import { Deciders } from '../../proof/decide.js';
import { prove, type ProofResult } from '../../proof/prove.js';
import { renderProof } from '../../proof/render.js';
import { configOption, outputOption } from '../options.js';

export function registerProveCommands(program: Command): void {
  program
    .command('prove')
    .description(
      'prove by IAM policy evaluation that no production principal can delete, shorten, re-key or read the vault',
    )
    .addOption(configOption())
    .option('--templates <dir>', 'prove what `airgap synth` wrote there (default: synthesize first)')
    .addOption(outputOption(['text', 'json', 'md']))
    .option('--out <file>', 'write the report to a file instead of the terminal')
    .action(
      async (opts: { config: string; templates?: string; output: 'text' | 'json' | 'md'; out?: string }) => {
        // First, so that the workers load iam-simulate while this thread loads CDK and synthesizes (seconds).
        const deciders = new Deciders('per-core');
        const result = await provedWith(deciders, opts).finally(() => deciders.close());
        const text =
          opts.output === 'json' ? JSON.stringify(result, null, 2) : renderProof(result, opts.output);
        if (opts.out) writeFileSync(opts.out, `${text}\n`);
        else console.log(text);
        if (!result.passed) {
          throw new CheckFailed(
            `proof FAILED: ${result.breaches.length} attack(s) allowed, ${result.positiveControls.filter((c) => !c.passed).length} positive control(s) denied, ${result.staticChecks.filter((c) => !c.passed).length} lock check(s) failed`,
          );
        }
      },
    );
}

async function provedWith(
  deciders: Deciders,
  opts: { config: string; templates?: string },
): Promise<ProofResult> {
  const config = loadConfig(opts.config);
  const dir = opts.templates ?? mkdtempSync(join(tmpdir(), 'airgap-prove-'));
  // The proof reads policies, not deploy readiness or code: no cdk-nag, no CloudFormation rules check, no
  // Lambda bundling (seconds each; test/prove-synth.test.ts shows the proof reads the same model without them).
  // CDK is loaded only to synthesize (seconds of CPU): proving a given folder never loads it.
  if (!opts.templates) {
    const [{ synthesize }, { TEMPLATES_ONLY }] = await Promise.all([
      import('../../infra/synth.js'),
      import('../../infra/app.js'),
    ]);
    synthesize(config, dir, TEMPLATES_ONLY);
  }
  return prove(loadModel(config, dir), { deciders });
}
