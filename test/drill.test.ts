import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDrill, type DrillEvidence } from '../src/drill/run.js';
import { writeDrillReport, type WrittenReport } from '../src/report/drill-report.js';
import { launchChromium } from './support/browser.js';
import { quickstart } from './support/config.js';

describe('airgap drill on the quickstart (sandbox: moto, replication emulated)', () => {
  let evidence: DrillEvidence;
  let report: WrittenReport;

  beforeAll(async () => {
    ({ evidence } = await runDrill(quickstart(), { keys: 12 }));
    report = writeDrillReport(evidence, mkdtempSync(join(tmpdir(), 'airgap-reports-')));
  }, 120_000);

  it('passes: no attack reaches the vault, every restored object matches the manifest', () => {
    expect(evidence.verdict).toEqual({ passed: true, reasons: [] });
    expect(evidence.verification[0]?.matched).toBe(evidence.verification[0]?.expected);
    expect(evidence.verification[0]?.expected).toBeGreaterThan(0);
  });

  it('threat #1/#2/#3: the source attacks ran (the source is compromised) and the restore predates them', () => {
    const ran = evidence.attacks
      .filter((a) => a.target === 'source' && a.emulator === 'executed')
      .map((a) => a.action);
    expect(ran).toEqual(
      expect.arrayContaining([
        's3:PutObject',
        's3:PutLifecycleConfiguration',
        's3:DeleteObjectVersion',
        'kms:ScheduleKeyDeletion',
      ]),
    );
    expect(new Date(evidence.pointInTime).getTime()).toBeLessThan(
      new Date(evidence.attacks[0]!.at).getTime(),
    );
  });

  it('threat #2/#4: SSE-C overwrites and disabling replication are refused by the source guardrail', () => {
    const ssec = evidence.attacks.find((a) => a.attack.includes('SSE-C'));
    expect(ssec?.policy).toBe('denied');
    expect(ssec?.stoppedBy).toContain('DenySseCWrites');
    expect(evidence.attacks.find((a) => a.action === 's3:PutReplicationConfiguration')?.policy).toBe(
      'denied',
    );
  });

  it('threat #6: every attempt on the vault is stopped, and Object Lock refuses a delete on its own', () => {
    const vault = evidence.attacks.filter((a) => a.target === 'vault');
    expect(vault.length).toBeGreaterThan(8);
    expect(vault.filter((a) => a.gotThrough)).toEqual([]);
    const probe = vault.find((a) => a.attack.includes('Object Lock alone'));
    expect(probe?.emulator).toBe('refused');
    expect(probe?.stoppedBy).toBe('Object Lock (COMPLIANCE)');
  });

  it('measures RPO per version and RTO per resource and in total', () => {
    expect(evidence.rpo.length).toBeGreaterThan(12);
    for (const r of evidence.rpo) expect(r.seconds).toBeGreaterThanOrEqual(0);
    expect(evidence.rto.map((r) => r.resource)).toEqual(['s3://payments-invoices', 'total']);
  });

  it('writes evidence.json naming every artifact with its SHA-256', () => {
    const written = JSON.parse(readFileSync(join(report.dir, 'evidence.json'), 'utf8')) as {
      artifacts: { file: string; sha256: string }[];
    };
    expect(written.artifacts.map((a) => a.file)).toEqual([
      'manifest.json',
      'attacks.json',
      'restores.json',
      'report.md',
      'report.html',
    ]);
    for (const a of written.artifacts) {
      expect(
        createHash('sha256')
          .update(readFileSync(join(report.dir, a.file)))
          .digest('hex'),
      ).toBe(a.sha256);
    }
  });

  describe('report.html in a real browser (Debian chromium, playwright-core)', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('renders the verdict, its charts and the attack table; a screenshot is kept', async () => {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      await page.goto(pathToFileURL(resolve(report.dir, 'report.html')).href);
      expect(await page.locator('.verdict h1').innerText()).toContain('PASSED');
      expect(await page.locator('figure.chart svg').count()).toBe(3);
      expect(await page.locator('figure.chart rect.bar').count()).toBeGreaterThanOrEqual(
        evidence.steps.length + 2,
      );
      expect(await page.locator('table tbody tr').count()).toBe(evidence.attacks.length);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/drill-report.png', fullPage: true });
    }, 60_000);
  });
});

describe('airgap drill with deliberately weakened guardrails', () => {
  it('threat #7: GOVERNANCE mode fails the drill, naming the attack that got through', async () => {
    const weak = quickstart([
      [['vault', 'retention', 'mode'], 'GOVERNANCE'],
      [['vault', 'retention', 'allowGovernance'], true],
    ]);
    const { evidence } = await runDrill(weak, { keys: 6 });
    expect(evidence.verdict.passed).toBe(false);
    expect(evidence.verdict.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'attack got through: vault account administrator, every policy assumed gone: delete a locked vault version',
        ),
        expect.stringContaining('is weaker than required: GOVERNANCE'),
      ]),
    );
  }, 120_000);
});
