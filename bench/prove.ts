// Time to prove the quickstart and configs with more workload accounts, in Discovery mode (as `airgap prove`
// runs) and, as the peer in the same run, the same matrix in iam-simulate's Strict mode.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../src/infra/synth.js';
import { loadModel } from '../src/proof/model.js';
import { prove } from '../src/proof/prove.js';
import { quickstart, withWorkloadAccounts } from '../test/support/config.js';
import { fmt, timeIt } from './support.js';

const sizes = (process.argv[2] ?? '1,10,50').split(',').map(Number);
console.log('| config | evaluations | Discovery (s) | Strict, peer (s) | ratio |');
console.log('|---|---|---|---|---|');
for (const n of sizes) {
  const config = n === 1 ? quickstart() : withWorkloadAccounts(n);
  const dir = mkdtempSync(join(tmpdir(), 'bench-prove-'));
  synthesize(config, dir, { nag: false });
  const model = loadModel(config, dir);
  const discovery = await timeIt(() => prove(model));
  const strict = await timeIt(() => prove(model, { mode: 'Strict' }));
  const label = n === 1 ? 'quickstart' : `${n} workload accounts`;
  console.log(
    `| ${label} | ${discovery.value.evaluated} | ${fmt(discovery.seconds)} | ${fmt(strict.seconds)} | ${fmt(discovery.seconds / strict.seconds)} |`,
  );
}
