/**
 * Synth time and template count for 1, 50 and 500 workload accounts (one protected bucket each), as
 * `airgap synth` runs it (cdk-nag AwsSolutions + NIST 800-53 R5, CloudFormation limits validated, guardrails,
 * manifest), beside a peer measured in the same run: a plain cdk.App that synthesizes the same number of
 * Object Lock buckets (100 per stack, no nag, no policies) — the floor CDK itself costs for that many buckets.
 *
 *   npx tsx bench/synth.ts [accounts...]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib/core';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { synthesize } from '../src/infra/synth.js';
import { BUCKETS_PER_STACK } from '../src/infra/vault/vault-buckets-stack.js';
import { withWorkloadAccounts } from '../test/support/config.js';

function timed<T>(run: (dir: string) => T): { ms: number; value: T } {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-bench-'));
  const start = performance.now();
  const value = run(dir);
  const ms = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  return { ms, value };
}

function peer(buckets: number, dir: string): number {
  const app = new App({ outdir: dir });
  for (let i = 0; i * BUCKETS_PER_STACK < buckets; i++) {
    const stack = new Stack(app, `peer-${i}`);
    for (let b = i * BUCKETS_PER_STACK; b < Math.min(buckets, (i + 1) * BUCKETS_PER_STACK); b++) {
      new s3.Bucket(stack, `B${b}`, {
        versioned: true,
        objectLockEnabled: true,
        objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(30)),
      });
    }
  }
  return app.synth().stacks.length;
}

const counts = process.argv.slice(2).map(Number);
// Warm-up, not recorded: the first synth pays for loading aws-cdk-lib modules and cdk-nag rule packs.
timed((dir) => synthesize(withWorkloadAccounts(1), dir));
timed((dir) => peer(1, dir));
console.log(
  '| accounts | airgap synth (s) | templates | source templates | peer: plain cdk.App (s) | ratio |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const n of counts.length ? counts : [1, 50, 500]) {
  const config = withWorkloadAccounts(n);
  const ours = timed((dir) => synthesize(config, dir));
  const floor = timed((dir) => peer(n, dir));
  const templates = ours.value.templates;
  const source = templates.filter((t) => t.role === 'workload').length;
  console.log(
    `| ${n} | ${(ours.ms / 1000).toFixed(1)} | ${templates.length} | ${source} | ${(floor.ms / 1000).toFixed(1)} | ${(ours.ms / floor.ms).toFixed(1)}x |`,
  );
}
