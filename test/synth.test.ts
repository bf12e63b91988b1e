import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize, summarize, type SynthManifest } from '../src/infra/synth.js';
import { everyBackupOption, quickstart, withWorkloadAccounts } from './support/config.js';

const out = mkdtempSync(join(tmpdir(), 'airgap-synth-'));

/** cfn-lint's findings on the templates; an empty string when it finds nothing. */
async function cfnLint(files: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('cfn-lint', files).catch(
    (e: { stdout: string; code: number }) => {
      throw new Error(`cfn-lint exited ${e.code}:\n${e.stdout}`);
    },
  );
  return stdout;
}
let manifest: SynthManifest;

beforeAll(() => {
  manifest = synthesize(quickstart(), out);
});

describe('airgap synth (cdk-nag on, CDK validation on)', () => {
  it('writes one template per account role and the guardrails of both organizations', () => {
    expect(manifest.templates.map((t) => t.stackName)).toEqual([
      'quickstart-airgap-log-archive',
      'quickstart-airgap-governance',
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
    expect(await cfnLint(manifest.templates.map((t) => join(out, t.file)))).toBe('');
  }, 180_000);

  it('every AWS Backup option on at once: cdk-nag clean at synth, cfn-lint clean on the AWS Backup stacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-synth-backup-'));
    // synthesize throws on any unacknowledged cdk-nag finding; the CloudFormation rules are cfn-lint's here.
    const backup = synthesize(everyBackupOption(), dir, { validate: false });
    const files = backup.templates
      .filter((t) => ['workload', 'restore', 'backup', 'air-gap'].includes(t.role))
      .map((t) => join(dir, t.file));
    expect(files).toHaveLength(4);
    expect(await cfnLint(files)).toBe('');
  }, 300_000);

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
