import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RESOURCE_NAMES } from '../src/config/index.js';
import type { KeptEvidence } from '../src/drill/evidence-store.js';
import { runDrill, type DrillEvidence } from '../src/drill/run.js';
import { TEMPLATES_ONLY } from '../src/infra/app.js';
import { synthesize } from '../src/infra/synth.js';
import type { WrittenReport } from '../src/report/drill-report.js';
import type { MotoServer } from '../src/sandbox/moto.js';
import { sandboxClients } from '../src/sandbox/session.js';
import { launchChromium } from './support/browser.js';
import { quickstart } from './support/config.js';

describe('airgap drill on the quickstart (sandbox: moto, replication emulated)', () => {
  let evidence: DrillEvidence;
  let report: WrittenReport;
  let kept: KeptEvidence[];
  let server: MotoServer | undefined;

  beforeAll(async () => {
    // Kept running so the evidence bucket can be read back; stopped below.
    let written: WrittenReport | undefined;
    ({
      evidence,
      report: written,
      kept = [],
      server,
    } = await runDrill(quickstart(), {
      keys: 12,
      reportDir: mkdtempSync(join(tmpdir(), 'airgap-reports-')),
      evidenceBucket: true,
      keep: true,
    }));
    report = written!;
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('passes: no attack reaches the vault, every restored object matches the manifest', () => {
    expect(evidence.verdict).toEqual({ passed: true, reasons: [] });
    expect(evidence.verification[0]?.matched).toBe(evidence.verification[0]?.expected);
    expect(evidence.verification[0]?.expected).toBeGreaterThan(0);
  });

  it('threat #22: restores the RDS instance, Aurora cluster and EBS volume from their vault copies, identifiers and sizes checked', () => {
    expect(evidence.snapshotRestores.map((r) => [r.service, r.complete])).toEqual([
      ['rds', true],
      ['aurora', true],
      ['ebs', true],
    ]);
    for (const r of evidence.snapshotRestores) {
      expect(r.target.account).toBe('200000000004');
      expect(r.steps.map((s) => s.step)).toEqual(['share', 'grant', 'copy', 'restore']);
    }
    const checked = evidence.verification.filter((v) => !v.resource.startsWith('s3://'));
    expect(checked.map((v) => [v.resource.split(':')[0], v.matched, v.problems])).toEqual([
      ['rds', 1, []],
      ['aurora', 1, []],
      ['ebs', 1, []],
    ]);
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
    expect(evidence.attacks.find((a) => a.attack === 'disable replication to the vault')?.policy).toBe(
      'denied',
    );
  });

  it('threat #2: the SSE-C block the sandbox put on both buckets is read back (moto answers without it), so the drift after the attacks names no SSE-C control', () => {
    expect(evidence.drift.filter((f) => f.control.endsWith('SSE_C_BLOCKED'))).toEqual([]);
    expect(evidence.drift.length).toBeGreaterThan(0);
  });

  it('threat #5: delete-marker replication turned on and a mass delete: the vault shows the markers, keeps every version, the restore predates them, audit flags the drift', () => {
    const markers = evidence.attacks.filter((a) => a.attack.includes('threat #5'));
    expect(markers.map((a) => [a.action, a.policy, a.emulator])).toEqual([
      // The source SCP refuses the rule change; the source management account, which no SCP binds, can detach it.
      ['s3:PutReplicationConfiguration', 'denied', 'not sent'],
      ['organizations:DetachPolicy', 'allowed', 'not sent'],
      ['s3:PutReplicationConfiguration', 'allowed', 'executed'],
      ['s3:DeleteObject', 'allowed', 'executed'],
    ]);
    expect(markers[0]?.stoppedBy).toContain('DenyReplicationTamperingExceptBreakGlass');
    const [bucket] = evidence.deleteMarkers;
    expect(bucket?.vaultMarkersAfter).toBeGreaterThan(0);
    expect(bucket?.vaultVersionsBefore).toBeGreaterThan(0);
    expect(bucket?.vaultVersionsAfter).toBeGreaterThanOrEqual(bucket!.vaultVersionsBefore);
    expect(bucket?.lost).toEqual([]);
    const s3 = evidence.verification.find((v) => v.resource.startsWith('s3://'));
    expect([s3?.matched, s3?.problems]).toEqual([s3?.expected, []]);
    // Reused from `airgap audit`: threat #5's rule change and threat #3's expiring lifecycle, both flagged.
    expect(evidence.drift.map((f) => [f.control, f.resource, f.status])).toEqual(
      expect.arrayContaining([
        ['SOURCE_DELETE_MARKER_REPLICATION', 'payments-invoices', 'fail'],
        ['SOURCE_LIFECYCLE_EXPIRY', 'payments-invoices', 'fail'],
      ]),
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

  it('threat #17: every source snapshot deleted and the share key scheduled for deletion; the vault copies stay', () => {
    const ran = evidence.attacks.filter((a) => a.target === 'source' && a.emulator === 'executed');
    expect(ran.map((a) => a.action)).toEqual(
      expect.arrayContaining(['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot', 'ec2:DeleteSnapshot']),
    );
    expect(ran.filter((a) => a.attack.includes('share key'))).toHaveLength(1);
    expect(evidence.snapshots.map((s) => s.service).sort()).toEqual(['aurora', 'ebs', 'rds']);
    for (const s of evidence.snapshots) expect(s.vaultCopyId).not.toBe(s.snapshotId);
  });

  it('threat #6/#11: vault snapshot copies survive delete, retention rewrite, sharing, unlock and key disabling', () => {
    const onCopies = evidence.attacks.filter((a) => a.target === 'vault' && / copy of /.test(a.attack));
    const stolen = onCopies.filter((a) => a.actor.startsWith('source account'));
    const admin = onCopies.filter((a) => a.actor.startsWith('vault account administrator'));
    // delete, retention tag, share per copy (3 copies) and the EBS unlock, for each of the two actors
    expect(stolen).toHaveLength(10);
    expect(admin).toHaveLength(10);
    expect(onCopies.filter((a) => a.policy === 'allowed')).toEqual([]);
    expect(admin.find((a) => a.action === 'rds:DeleteDBSnapshot')?.stoppedBy).toContain(
      'DenySnapshotDeletionExceptRetentionRole',
    );
    // The retention sweeper obeys the retain-until tag: rewriting it must be refused like a delete.
    expect(admin.find((a) => a.action === 'ec2:CreateTags')?.stoppedBy).toContain(
      'DenySnapshotChangesExceptAirGapRoles',
    );
    const keys = evidence.attacks.filter((a) => a.action === 'kms:DisableKey');
    expect(keys.map((a) => a.policy)).toEqual(['denied', 'denied']);
    const deletion = evidence.attacks.filter(
      (a) => a.action === 'kms:ScheduleKeyDeletion' && a.target === 'vault',
    );
    expect(deletion.map((a) => a.policy)).toEqual(['denied', 'denied']);
  });

  it('measures RPO per version and per snapshot, RTO per resource and in total', () => {
    expect(evidence.rpo.length).toBeGreaterThan(12);
    expect(evidence.rpo.filter((r) => /^(rds|aurora|ebs):/.test(r.item))).toHaveLength(3);
    for (const r of evidence.rpo) expect(r.seconds).toBeGreaterThanOrEqual(0);
    expect(evidence.rto.map((r) => r.resource)).toEqual([
      's3://payments-invoices',
      'rds:payments-db',
      'aurora:payments-ledger',
      expect.stringMatching(/^ebs:vol-/),
      'total',
    ]);
  });

  it('writes evidence.json naming every artifact with its SHA-256', () => {
    const written = JSON.parse(readFileSync(join(report.dir, 'evidence.json'), 'utf8')) as {
      artifacts: { file: string; sha256: string }[];
    };
    expect(written.artifacts.map((a) => a.file)).toEqual([
      'manifest.json',
      'attacks.json',
      'snapshots.json',
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

  it('--evidence-bucket: the sandbox keeps every report file in the vault evidence bucket, locked COMPLIANCE (moto)', async () => {
    const config = quickstart();
    const bucket = RESOURCE_NAMES.evidenceBucket(config);
    expect(evidence.evidenceStore).toBe(`s3://${bucket}/${basename(report.dir)}/`);
    expect(kept.map((k) => k.outcome)).toEqual(report.files.map(() => 'added'));
    const vault = sandboxClients(server!.endpoint, config.vault.region).for(
      S3Client,
      config.organizations.vault.vaultAccount,
    );
    for (const f of report.files) {
      const head = await vault.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: `${basename(report.dir)}/${f.file}`,
          ChecksumMode: 'ENABLED',
        }),
      );
      expect(head.ObjectLockMode).toBe('COMPLIANCE');
      expect(Buffer.from(head.ChecksumSHA256!, 'base64').toString('hex')).toBe(
        createHash('sha256')
          .update(readFileSync(join(report.dir, f.file)))
          .digest('hex'),
      );
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
  it('threat #7: GOVERNANCE mode and vault SCPs without the snapshot-deletion deny and the rules for people fail the drill, naming the attacks', async () => {
    const weak = quickstart([
      [['vault', 'retention', 'mode'], 'GOVERNANCE'],
      [['vault', 'retention', 'allowGovernance'], true],
    ]);
    const templates = mkdtempSync(join(tmpdir(), 'airgap-weak-'));
    synthesize(weak, templates, TEMPLATES_ONLY);
    // Without the snapshot-deletion deny, and without the MFA and network rules that would stop a person first.
    const drop = (policy: string, sid: string) => {
      const file = join(templates, `guardrails/vault-scp-${policy}.json`);
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { Statement: { Sid: string }[] };
      doc.Statement = doc.Statement.filter((s) => s.Sid !== sid);
      writeFileSync(file, JSON.stringify(doc));
    };
    drop('airgap-vault-recovery-points', 'DenySnapshotDeletionExceptRetentionRole');
    drop('airgap-vault-organization', 'DenyPeopleWithoutMfa');
    drop('airgap-vault-organization', 'DenyPeopleOutsideAllowedNetworks');

    const { evidence } = await runDrill(weak, { keys: 6, templates });
    expect(evidence.verdict.passed).toBe(false);
    expect(evidence.verdict.reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'attack got through: vault account administrator, every policy assumed gone: delete a locked vault version',
        ),
        expect.stringContaining('is weaker than required: GOVERNANCE'),
        expect.stringMatching(
          /attack got through: vault account administrator without MFA: delete a vault copy \(RDS snapshot copy of payments-db\) \(rds:DeleteDBSnapshot\)/,
        ),
        expect.stringContaining('delete a vault copy (EBS snapshot copy of'),
        // With its vault copy gone, the database cannot come back: the drill says so rather than stopping.
        expect.stringMatching(/^rds:payments-db: restore failed: /),
      ]),
    );
    // Sent because the weakened policy allowed it, and moto carried it out: the copy is gone.
    const deleted = evidence.attacks.find(
      (a) => a.action === 'rds:DeleteDBClusterSnapshot' && a.target === 'vault' && a.gotThrough,
    );
    expect(deleted?.emulator).toBe('executed');
  }, 240_000);
});
