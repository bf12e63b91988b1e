import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize, summarize, type SynthManifest } from '../src/infra/synth.js';
import { quickstart, withWorkloadAccounts } from './support/config.js';

const out = mkdtempSync(join(tmpdir(), 'airgap-synth-'));
let manifest: SynthManifest;

beforeAll(() => {
  manifest = synthesize(quickstart(), out);
});

describe('airgap synth (cdk-nag on, CDK validation on)', () => {
  it('writes one template per account role and the guardrails of both organizations', () => {
    expect(manifest.templates.map((t) => t.stackName)).toEqual([
      'quickstart-airgap-vault',
      'quickstart-airgap-vault-buckets-1',
      'quickstart-airgap-source',
      'quickstart-airgap-restore',
      'quickstart-airgap-backup',
      'quickstart-airgap-air-gap',
    ]);
    expect(manifest.guardrails.map((g) => `${g.organization}/${g.kind}`)).toEqual(
      expect.arrayContaining(['vault/SCP', 'vault/RCP', 'source/SCP']),
    );
    const written = JSON.parse(readFileSync(join(out, 'airgap-manifest.json'), 'utf8')) as SynthManifest;
    expect(written.templates.find((t) => t.role === 'workload')?.instances).toEqual([
      {
        account: '100000000002',
        region: 'us-east-1',
        parameters: expect.objectContaining({ ProtectedBuckets: 'payments-invoices' }),
      },
    ]);
    const scp = JSON.parse(readFileSync(join(out, written.guardrails[0]!.file), 'utf8')) as {
      Statement: unknown[];
    };
    expect(scp.Statement.length).toBeGreaterThan(0);
  });

  it('cfn-lint passes on every template', async () => {
    const files = manifest.templates.map((t) => join(out, t.file));
    const { stdout } = await promisify(execFile)('cfn-lint', files).catch(
      (e: { stdout: string; code: number }) => {
        throw new Error(`cfn-lint exited ${e.code}:\n${e.stdout}`);
      },
    );
    expect(stdout).toBe('');
  }, 180_000);

  it('the summary names every stack and where it goes', () => {
    const text = summarize(quickstart(), manifest);
    expect(text).toContain('quickstart-airgap-vault');
    expect(text).toContain('StackSet -> 1 workload account(s)');
  });

  it('template count does not grow with the number of workload accounts', () => {
    const many = synthesize(withWorkloadAccounts(10), mkdtempSync(join(tmpdir(), 'airgap-synth10-')), {
      nag: false,
    });
    // withWorkloadAccounts turns the AWS Backup path off: its two account stacks are not there.
    expect(many.templates).toHaveLength(manifest.templates.length - 2);
    expect(many.templates.find((t) => t.role === 'workload')?.instances).toHaveLength(10);
  });
});
