import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
      'quickstart-airgap-assets-100000000001-us-east-1',
      'quickstart-airgap-assets-200000000005-us-east-1',
      'quickstart-airgap-assets-200000000001-us-east-1',
      'quickstart-airgap-assets-200000000002-us-east-1',
      'quickstart-airgap-assets-200000000004-us-east-1',
      'quickstart-airgap-assets-100000000003-us-east-1',
      'quickstart-airgap-assets-100000000004-us-east-1',
      'quickstart-airgap-log-archive',
      'quickstart-airgap-governance',
      'quickstart-airgap-vault',
      'quickstart-airgap-vault-buckets-1',
      'quickstart-airgap-source',
      'quickstart-airgap-source-regional',
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
    // The global source template holds the workload's AWS Backup path; its regional half holds none of it, nor
    // does the restore key stack of the source region (the vault is in another one here).
    const templates = backup.templates.filter(
      (t) =>
        ['workload', 'restore', 'backup', 'air-gap'].includes(t.role) &&
        !/-source-regional$|-restore-key-/.test(t.stackName),
    );
    // The four AWS Backup path stacks, and the asset buckets of the accounts they go to (linted with them).
    expect(templates.filter((t) => !t.file.includes('-airgap-assets-'))).toHaveLength(4);
    const files = templates.map((t) => join(dir, t.file));
    expect(await cfnLint(files)).toBe('');
  }, 300_000);

  it('the summary names every stack and where it goes', () => {
    const text = summarize(quickstart(), manifest);
    expect(text).toContain('quickstart-airgap-vault');
    expect(text).toMatch(
      /quickstart-airgap-source-regional .* StackSet -> 1 workload account\(s\), 1 instance\(s\) in us-east-1/,
    );
  });

  it('template count does not grow with the number of workload accounts', () => {
    const many = synthesize(withWorkloadAccounts(10), mkdtempSync(join(tmpdir(), 'airgap-synth10-')), {
      nag: false,
    });
    // withWorkloadAccounts turns the AWS Backup path off: its two account stacks and their asset buckets are not there.
    expect(many.templates).toHaveLength(manifest.templates.length - 4);
    expect(many.templates.find((t) => t.role === 'workload')?.instances).toHaveLength(10);
  });

  it('every asset bucket a template publishes to is created by an asset template deployed before it, with no assets of its own', () => {
    const created = new Map<string, number>();
    manifest.templates.forEach((t, i) => {
      const tpl = JSON.parse(readFileSync(join(out, t.file), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties?: { BucketName?: string } }>;
      };
      for (const r of Object.values(tpl.Resources))
        if (r.Type === 'AWS::S3::Bucket' && r.Properties?.BucketName?.startsWith('airgap-assets-'))
          created.set(r.Properties.BucketName, i);
    });
    for (const [i, t] of manifest.templates.entries()) {
      const assets = join(out, t.file.replace(/\.template\.json$/, '.assets.json'));
      if (t.stackName.includes('-airgap-assets-')) {
        expect(existsSync(assets), `${t.stackName} must deploy without an asset bucket`).toBe(false);
        continue;
      }
      const { files } = JSON.parse(readFileSync(assets, 'utf8')) as {
        files: Record<string, { destinations: Record<string, { bucketName: string }> }>;
      };
      for (const f of Object.values(files))
        for (const d of Object.values(f.destinations)) {
          // The StackSet template names its bucket per region: its instances' region.
          const bucket = d.bucketName.replace('${AWS::Region}', t.instances[0]!.region);
          expect(created.get(bucket), `${t.stackName} publishes to ${bucket}`).toBeLessThan(i);
        }
    }
  });

  it('the asset bucket of the source management account lets accounts of the source organization read the code only', () => {
    const t = manifest.templates.find(
      (x) => x.stackName === 'quickstart-airgap-assets-100000000001-us-east-1',
    )!;
    const text = readFileSync(join(out, t.file), 'utf8');
    expect(text).toContain('"s3:GetObject"');
    expect(text).toContain('"aws:PrincipalOrgID": "o-source0001"');
    const vaultAssets = manifest.templates.find(
      (x) => x.stackName === 'quickstart-airgap-assets-200000000002-us-east-1',
    )!;
    expect(readFileSync(join(out, vaultAssets.file), 'utf8')).not.toContain('aws:PrincipalOrgID');
  });
});
