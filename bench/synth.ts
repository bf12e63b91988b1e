// Synth time and template count for 1, 50 and 500 workload accounts, with cdk-nag (as `airgap synth` runs it)
// and, as the peer in the same run, the same app synthesized by CDK alone without cdk-nag.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../src/infra/synth.js';
import { withWorkloadAccounts } from '../test/support/config.js';
import { fmt, timeIt } from './support.js';

console.log('| workload accounts | templates | synth with cdk-nag (s) | CDK alone, no cdk-nag (s) | ratio |');
console.log('|---|---|---|---|---|');
for (const n of [1, 50, 500]) {
  const config = withWorkloadAccounts(n);
  const out = () => mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const ours = await timeIt(() => synthesize(config, out()), 2);
  const peer = await timeIt(() => synthesize(config, out(), { nag: false }), 2);
  console.log(
    `| ${n} | ${ours.value.templates.length} | ${fmt(ours.seconds)} | ${fmt(peer.seconds)} | ${fmt(ours.seconds / peer.seconds)} |`,
  );
}
