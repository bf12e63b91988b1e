import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { protectedBuckets, type Config, type Service, SERVICES } from '../config/index.js';
import { InputError } from '../errors.js';
import { synthesize } from '../infra/synth.js';
import { restoreBucket, type S3RestoreReport } from '../protect/s3/restore.js';
import { loadModel, type ProofModel } from '../proof/model.js';
import { checksOutsideTheEvaluator, type ControlResult } from '../proof/prove.js';
import { startMoto, type MotoServer } from '../sandbox/moto.js';
import { provisionSandbox } from '../sandbox/provision.js';
import { emulateReplication } from '../sandbox/replication-emulator.js';
import { sandboxClients } from '../sandbox/session.js';
import { provisionSnapshotSandbox } from '../sandbox/snapshot-provision.js';
import { emulatedSnapshotApis } from '../sandbox/snapshot-copy-emulator.js';
import { runAttacks, type AttackRecord } from './attacks.js';
import { runSnapshotAttacks } from './snapshot-attacks.js';
import { seedSnapshots, vaultSnapshots, type VaultedSnapshot } from './snapshot-workload.js';
import { expectedStateAt, seedWorkload, sha256, type ManifestEntry } from './workload.js';

export interface DrillStep {
  name: string;
  startedAt: string;
  seconds: number;
  detail: string;
}

export interface DrillEvidence {
  tool: 'airgap drill';
  deployment: string;
  target: 'sandbox';
  startedAt: string;
  finishedAt: string;
  verdict: { passed: boolean; reasons: string[] };
  steps: DrillStep[];
  rpo: { item: string; writtenAt: string; safeAt: string; seconds: number }[];
  rto: { resource: string; seconds: number; detail: string }[];
  pointInTime: string;
  attacks: AttackRecord[];
  restore: Omit<S3RestoreReport, 'items'>[];
  verification: {
    resource: string;
    expected: number;
    restored: number;
    matched: number;
    problems: string[];
  }[];
  lockChecks: ControlResult[];
  coverage: { service: Service; exercised: boolean; note: string }[];
  manifest: ManifestEntry[];
  /** Every database and volume snapshot the drill took, with its vault copy. */
  snapshots: VaultedSnapshot[];
}

export interface DrillOptions {
  keys?: number;
  /** Keep the sandbox running afterwards (its endpoint is returned). */
  keep?: boolean;
  progress?: (line: string) => void;
  /** A synth output folder (`airgap synth --out`) to authorize attacks against, instead of synthesizing anew. */
  templates?: string;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The ransomware recovery drill on the sandbox: prepare, protect, attack, restore, verify, measure. Every step
 * is timed; the verdict fails when an attack on the vault got through, a lock is weaker than required, or a
 * restored object does not match the manifest.
 */
export async function runDrill(
  config: Config,
  opts: DrillOptions = {},
): Promise<{ evidence: DrillEvidence; server?: MotoServer }> {
  const log = opts.progress ?? (() => undefined);
  const steps: DrillStep[] = [];
  const started = new Date();
  const step = async <T>(name: string, fn: () => Promise<[T, string]>): Promise<T> => {
    const at = new Date();
    log(`${name} …`);
    const [value, detail] = await fn();
    const seconds = (Date.now() - at.getTime()) / 1000;
    steps.push({ name, startedAt: at.toISOString(), seconds, detail });
    log(`${name}: ${detail} (${seconds.toFixed(1)} s)`);
    return value;
  };

  const buckets = protectedBuckets(config);
  // moto starts in its own process while this one synthesizes (CPU-bound): the two overlap.
  const starting = startMoto({ detached: opts.keep ?? false });
  starting.catch(() => undefined);
  const model = await step('prepare: synthesize and load guardrails', async () => {
    const m = modelFor(config, opts.templates);
    return [m, `${m.resources.length} vault resources, ${m.guardrails.length} guardrail policies`];
  }).catch(async (e: unknown) => {
    await (await starting.catch(() => undefined))?.stop();
    throw e;
  });
  const server = await step('prepare: sandbox', async () => {
    const s = await starting;
    return [s, `moto_server at ${s.endpoint}`];
  });
  try {
    const clients = sandboxClients(server.endpoint, config.vault.region);
    const catalog = await step('prepare: provision accounts', async () => {
      const [p, c] = await Promise.all([
        provisionSandbox(clients, config),
        provisionSnapshotSandbox(clients, config),
      ]);
      return [
        c,
        `organizations ${p.organizations.source} and ${p.organizations.vault}; ${p.buckets.length} vault bucket(s); catalog and keys for snapshots`,
      ];
    });
    const apis = emulatedSnapshotApis(clients, config);
    const drillId = started.toISOString().replace(/[-:.]/g, '').toLowerCase();

    const manifest: ManifestEntry[] = [];
    const rpo: DrillEvidence['rpo'] = [];
    const keys = opts.keys ?? 24;
    const protect = async (phase: 'initial' | 'changes') => {
      for (const b of buckets)
        manifest.push(
          ...(await seedWorkload(clients.for(S3Client, b.account, b.region), b.bucket, keys, phase)),
        );
      const passes = await emulateReplication(clients, config);
      for (const pass of passes) {
        for (const r of pass.replicated) {
          const written = manifest.find((m) => m.versionId === r.sourceVersionId);
          if (written) {
            rpo.push({
              item: `${pass.bucket}/${r.key}@${r.sourceVersionId.slice(0, 8)}`,
              writtenAt: written.writtenAt,
              safeAt: r.at.toISOString(),
              seconds: (r.at.getTime() - new Date(written.writtenAt).getTime()) / 1000,
            });
          }
        }
      }
      return passes.reduce((n, p) => n + p.replicated.length, 0);
    };
    await step('protect: write workload and replicate', async () => [
      null,
      `${await protect('initial')} versions safe in the vault`,
    ]);
    // moto stamps versions to the second: a second between generations keeps "the state at T" unambiguous.
    await pause(1100);
    await step('protect: overwrite and delete, replicate', async () => [
      null,
      `${await protect('changes')} more versions safe in the vault`,
    ]);
    const snapshots = await step('protect: snapshot databases and volumes, copy into the vault', async () => {
      const seeds = await seedSnapshots(clients, config, apis, {
        id: drillId,
        name: (service, configured, n) => configured ?? `drill-${service}-${n}`,
      });
      const out = await vaultSnapshots({ clients, config, catalog, apis }, seeds, {
        deadline: Date.now(),
        pollMs: 0,
      });
      for (const v of out.vaulted)
        rpo.push({
          item: `${v.service}:${v.snapshotId}`,
          writtenAt: v.takenAt,
          safeAt: v.safeAt,
          seconds: (new Date(v.safeAt).getTime() - new Date(v.takenAt).getTime()) / 1000,
        });
      return [
        { seeds, ...out },
        `${out.vaulted.length} of ${seeds.length} snapshots locked in the vault under the vault key`,
      ];
    });
    await pause(1100);
    const pointInTime = new Date();
    await pause(1100);

    const attacks = await step('attack: as the source organization, then against the vault', async () => {
      const records: AttackRecord[] = [];
      for (const b of buckets) records.push(...(await runAttacks(clients, config, model, b)));
      records.push(
        ...(await runSnapshotAttacks(clients, config, model, apis, snapshots.seeds, snapshots.vaulted)),
      );
      // Whatever reached the source since is replicated as S3 would: ransomed versions land in the vault too.
      await emulateReplication(clients, config);
      const through = records.filter((r) => r.gotThrough).length;
      return [
        records,
        `${records.length} attempts, ${records.filter((r) => r.target === 'source' && r.policy === 'allowed').length} ran in the compromised source, ${through} got through to the vault`,
      ];
    });

    const restores: S3RestoreReport[] = [];
    const rto: DrillEvidence['rto'] = [];
    await step('restore: into the restore account, as of before the attack', async () => {
      for (const b of buckets) {
        const t0 = Date.now();
        const report = await restoreBucket(clients, config, b, {
          at: pointInTime,
          to: `airgap-restore-drill-${Date.now()}`,
        });
        restores.push(report);
        rto.push({
          resource: `s3://${b.bucket}`,
          seconds: (Date.now() - t0) / 1000,
          detail: `${report.restored} objects, ${report.planned.bytes} bytes`,
        });
      }
      return [null, restores.map((r) => `${r.restored} objects of ${r.source} into ${r.target}`).join('; ')];
    });

    const verification = await step('verify: restored objects against the manifest', async () => {
      const out: DrillEvidence['verification'] = [];
      for (const report of restores) {
        const expected = expectedStateAt(
          manifest.filter((m) => m.bucket === report.source),
          pointInTime,
          config.replication.deleteMarkerReplication,
        );
        const restoreS3 = clients.for(S3Client, report.targetAccount, config.vault.region);
        const problems: string[] = [];
        let matched = 0;
        for (const [key, entry] of expected) {
          const got = await restoreS3
            .send(new GetObjectCommand({ Bucket: report.target, Key: key }))
            .catch(() => undefined);
          if (!got) {
            problems.push(`${key}: missing from the restore`);
            continue;
          }
          const digest = sha256(await got.Body!.transformToByteArray());
          if (digest === entry.sha256) matched++;
          else problems.push(`${key}: SHA-256 ${digest} differs from the manifest's ${entry.sha256}`);
        }
        for (const item of report.items)
          if (!expected.has(item.key)) problems.push(`${item.key}: restored but not in the manifest's state`);
        problems.push(...report.failed.map((f) => `${f.key}: restore failed: ${f.reason}`));
        out.push({
          resource: `s3://${report.source}`,
          expected: expected.size,
          restored: report.items.length,
          matched,
          problems,
        });
      }
      return [out, out.map((v) => `${v.matched}/${v.expected} objects match the manifest`).join('; ')];
    });

    const lockChecks = checksOutsideTheEvaluator(model);
    const reasons = [
      ...attacks
        .filter((a) => a.gotThrough)
        .map((a) => `attack got through: ${a.actor}: ${a.attack} (${a.action})`),
      ...lockChecks.filter((c) => !c.passed).map((c) => `${c.name} is weaker than required: ${c.detail}`),
      ...verification.flatMap((v) => v.problems.map((p) => `${v.resource}: ${p}`)),
      ...snapshots.problems,
    ];
    const evidence: DrillEvidence = {
      tool: 'airgap drill',
      deployment: config.name,
      target: 'sandbox',
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      verdict: { passed: reasons.length === 0, reasons },
      steps,
      rpo,
      rto: [
        ...rto,
        { resource: 'total', seconds: rto.reduce((n, r) => n + r.seconds, 0), detail: 'all restores' },
      ],
      pointInTime: pointInTime.toISOString(),
      attacks,
      restore: restores.map(({ items: _items, ...rest }) => rest),
      verification,
      lockChecks,
      coverage: SERVICES.map((service) => ({ service, ...coverageOf(config, service) })),
      manifest,
      snapshots: snapshots.vaulted,
    };
    return opts.keep ? { evidence, server } : { evidence };
  } finally {
    if (!opts.keep) await server.stop();
  }
}

function coverageOf(config: Config, service: Service): { exercised: boolean; note: string } {
  if (config.protect[service].length === 0) return { exercised: false, note: 'not protected by this config' };
  if (service === 's3')
    return { exercised: true, note: 'replication, attack, point-in-time restore and checksum verification' };
  if (service === 'rds' || service === 'aurora' || service === 'ebs')
    return { exercised: true, note: 'snapshot, share, vault copy under the vault key, attack' };
  return { exercised: false, note: 'protected by the config; its protection path is not built yet' };
}

/** The guardrails and vault resources attacks are authorized against: the deployed synth output, or a fresh one. */
function modelFor(config: Config, templates: string | undefined): ProofModel {
  if (templates) {
    if (!existsSync(join(templates, 'airgap-manifest.json')))
      throw new InputError([
        `--templates ${templates}: no airgap-manifest.json there; write one with \`airgap synth --out ${templates}\``,
      ]);
    return loadModel(config, templates);
  }
  const dir = mkdtempSync(join(tmpdir(), 'airgap-drill-'));
  synthesize(config, dir, { nag: false });
  return loadModel(config, dir);
}
