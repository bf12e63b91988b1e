// Time to prove, from a config to the verdict as `airgap prove` runs (synthesis without cdk-nag and without
// the CloudFormation rules check, then Discovery mode), for the quickstart and a 500-account config. The peer,
// in the same run on the same model: the same matrix in iam-simulate's Strict mode (which a proof must not
// use: it calls conditional grants safe), so the ratio shows what Discovery mode costs.
// Both split the matrix over worker threads as `airgap prove` does (src/proof/decide.ts), Discovery's started before
// synthesis as there; CPU counts every thread.
// Run: npx tsx bench/prove.ts [quickstart,500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import { Deciders, threadsFor } from '../src/proof/decide.js';
import { loadModel } from '../src/proof/model.js';
import { prove } from '../src/proof/prove.js';
import { quickstart, withWorkloadAccounts } from '../test/support/config.js';
import { fmt, timeIt } from './support.js';

const sizes = (process.argv[2] ?? 'quickstart,500').split(',');
console.log(
  '| config | synth (s) | evaluations | threads | prove, Discovery (s) | total (s) | CPU (s) | peer: prove, Strict (s) | Discovery / Strict |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const size of sizes) {
  const config = size === 'quickstart' ? quickstart() : withWorkloadAccounts(Number(size));
  const dir = mkdtempSync(join(tmpdir(), 'bench-prove-'));
  try {
    const cpu = process.cpuUsage();
    // As `airgap prove` does: the workers start before synthesis, so that their loading overlaps it.
    const deciders = new Deciders('per-core');
    const synth = await timeIt(() => synthesize(config, dir, TEMPLATES_ONLY));
    const discovery = await timeIt(() =>
      prove(loadModel(config, dir), { deciders }).finally(() => deciders.close()),
    );
    const used = process.cpuUsage(cpu);
    if (!discovery.value.passed) throw new Error(`the ${size} proof failed`);
    const strict = await timeIt(() => prove(loadModel(config, dir), { mode: 'Strict', threads: 'per-core' }));
    const label = size === 'quickstart' ? 'quickstart' : `${size} workload accounts`;
    const threads = threadsFor(discovery.value.evaluated);
    console.log(
      `| ${label} | ${fmt(synth.seconds)} | ${discovery.value.evaluated} | ${threads} | ${fmt(discovery.seconds)} | ${fmt(synth.seconds + discovery.seconds)} | ${fmt((used.user + used.system) / 1e6)} | ${fmt(strict.seconds)} | ${fmt(discovery.seconds / strict.seconds)} |`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
