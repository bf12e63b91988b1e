import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { protectedBuckets, RESOURCE_NAMES, type Config } from '../config/index.js';
import type { Finding } from '../audit/model.js';
import { TEMPLATES_ONLY } from '../infra/app.js';
import { synthesize } from '../infra/synth.js';
import { restoreBucket, type RestoredItem, type S3RestoreReport } from '../protect/s3/restore.js';
import type { SnapshotRestoreReport } from '../protect/snapshots/restore.js';
import { SNAPSHOT_SERVICES } from '../protect/snapshots/model.js';
import { loadModel, type ProofModel } from '../proof/model.js';
import { checksOutsideTheEvaluator, type ControlResult } from '../proof/prove.js';
import type { MotoServer } from '../sandbox/moto.js';
import { reportName, writeDrillReport, type WrittenReport } from '../report/drill-report.js';
import { drillTagging, runAttacks, type AttackRecord, type DrillScope } from './attacks.js';
import type { CleanUpReport } from './cleanup.js';
import { drillCoverage, type Coverage } from './coverage.js';
import { DRILL_KEYS, DRILL_STEPS } from './plan.js';
import { driftAfterAttack, runDeleteMarkerAttack, type DeleteMarkerOutcome } from './delete-marker-attack.js';
import { keepEvidence, type KeptEvidence } from './evidence-store.js';
import { drillName } from './prefix.js';
import type { PreflightCheck } from './preflight.js';
import { runSnapshotAttacks } from './snapshot-attacks.js';
import { verifyRestoredObjects, type Verification } from './restored-objects.js';
import { restoreSnapshots, verifyRestoredSnapshot } from './snapshot-restore.js';
import { seedSnapshots, vaultSnapshots, type VaultedSnapshot } from './snapshot-workload.js';
import { awsTarget, sandboxTarget, startSandbox, type DrillTarget } from './target.js';
import { expectedStateAt, seedWorkload, type ManifestEntry } from './workload.js';

export interface DrillStep {
  name: string;
  startedAt: string;
  seconds: number;
  detail: string;
}

export interface DrillEvidence {
  tool: 'airgap drill';
  deployment: string;
  target: 'sandbox' | 'aws';
  /** The drill id: its tag value on every resource it created, and its S3 key prefix on AWS. */
  id: string;
  startedAt: string;
  finishedAt: string;
  verdict: { passed: boolean; reasons: string[] };
  steps: DrillStep[];
  rpo: { item: string; writtenAt: string; safeAt: string; seconds: number }[];
  rto: { resource: string; seconds: number; detail: string }[];
  pointInTime: string;
  attacks: AttackRecord[];
  /** Threat #5: the vault's versions of each bucket before and after delete-marker replication and a mass delete. */
  deleteMarkers: DeleteMarkerOutcome[];
  /** What `airgap audit`'s S3 rules flag after the attack (failures only): the source changes the attacker made. */
  drift: Finding[];
  restore: S3RestoreReport[];
  snapshotRestores: SnapshotRestoreReport[];
  verification: Verification[];
  lockChecks: ControlResult[];
  /** Read-only checks of the real accounts (AWS target); empty on the sandbox. */
  preflight: PreflightCheck[];
  /** What clean-up deleted. */
  cleanedUp: string[];
  /** What clean-up could not delete (or list), with AWS's reason: left for the operator to delete. */
  cleanUpFailures: CleanUpReport['failed'];
  /** Where the evidence is kept under Object Lock (AWS target). */
  evidenceStore?: string;
  coverage: Coverage[];
  manifest: ManifestEntry[];
  /** Every database and volume snapshot the drill took, with its vault copy. */
  snapshots: VaultedSnapshot[];
}

export interface DrillOptions {
  keys?: number;
  /** `aws`: the real accounts through the operator role (or `endpoint`), drill-tagged resources only. */
  target?: 'sandbox' | 'aws';
  /** An endpoint that stands in for AWS (AWS target). */
  endpoint?: string;
  /** How long to wait for S3 replication and snapshot copies on AWS; default: the config's RPOs. */
  waitMs?: { replication?: number; copy?: number };
  /** Keep the sandbox running afterwards (its endpoint is returned), or the drill's resources on AWS. */
  keep?: boolean;
  /** On the sandbox: keep the report in the vault account's evidence bucket too, as on AWS (where it always is). */
  evidenceBucket?: boolean;
  /** Write the report there (`<dir>/drill-<time>/`); on AWS also into the evidence bucket. */
  reportDir?: string;
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
): Promise<{ evidence: DrillEvidence; report?: WrittenReport; kept?: KeptEvidence[]; server?: MotoServer }> {
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
  const id = started.toISOString().replace(/[-:.]/g, '').toLowerCase();
  const onAws = opts.target === 'aws';
  // moto starts in its own process while this one synthesizes (CPU-bound): the two overlap.
  const starting = onAws ? undefined : startSandbox(opts.keep ?? false);
  const model = await step(DRILL_STEPS.synth, async () => {
    const m = drillModel(config, opts.templates);
    return [m, `${m.resources.length} vault resources, ${m.guardrails.length} guardrail policies`];
  }).catch(async (e: unknown) => {
    await (await starting?.catch(() => undefined))?.stop();
    throw e;
  });
  const target: DrillTarget = await step(onAws ? DRILL_STEPS.preflight : DRILL_STEPS.sandbox, async () => {
    const t = starting
      ? await sandboxTarget(config, await starting, { evidenceBucket: opts.evidenceBucket ?? false })
      : await awsTarget(config, {
          id,
          endpoint: opts.endpoint,
          replicationWaitMs: opts.waitMs?.replication,
          copyWaitMs: opts.waitMs?.copy,
        });
    return [
      t,
      t.server
        ? `moto_server at ${t.server.endpoint}, accounts provisioned, catalog and keys for snapshots`
        : `${t.preflight.length} checks passed`,
    ];
  });
  const { clients } = target;
  const scope: DrillScope = {
    id,
    prefix: target.prefix,
    sendsProductionAttacks: target.sendsProductionAttacks,
  };
  const cleanUp: CleanUpReport = { deleted: [], failed: [] };
  try {
    const manifest: ManifestEntry[] = [];
    const rpo: DrillEvidence['rpo'] = [];
    const keys = opts.keys ?? DRILL_KEYS;
    const protect = async (phase: 'initial' | 'changes') => {
      const written: ManifestEntry[] = [];
      for (const b of buckets)
        written.push(
          ...(await seedWorkload(clients.for(S3Client, b.account, b.region), b.bucket, keys, phase, {
            prefix: scope.prefix,
            tagging: drillTagging(id),
          })),
        );
      manifest.push(...written);
      const safe = await target.replicate(written);
      for (const r of safe) {
        const w = written.find((m) => m.versionId === r.sourceVersionId)!;
        rpo.push({
          item: `${r.bucket}/${r.key}@${r.sourceVersionId.slice(0, 8)}`,
          writtenAt: w.writtenAt,
          safeAt: r.at.toISOString(),
          seconds: (r.at.getTime() - new Date(w.writtenAt).getTime()) / 1000,
        });
      }
      const missing = written.filter(
        (w) => !w.deleted && !safe.some((r) => r.sourceVersionId === w.versionId),
      );
      return { safe: safe.length, missing };
    };
    const notReplicated: string[] = [];
    for (const [phase, name] of [
      ['initial', DRILL_STEPS.write],
      ['changes', DRILL_STEPS.changes],
    ] as const) {
      await step(name, async () => {
        const r = await protect(phase);
        notReplicated.push(
          ...r.missing.map((m) => `s3://${m.bucket}/${m.key}@${m.versionId}: not in the vault`),
        );
        return [
          null,
          `${r.safe} versions safe in the vault${r.missing.length ? `, ${r.missing.length} not` : ''}`,
        ];
      });
      // moto stamps versions to the second: a second between generations keeps "the state at T" unambiguous.
      await pause(1100);
    }
    const snapshots = await step(DRILL_STEPS.snapshots, async () => {
      const { seeds, problems } = await seedSnapshots(clients, config, target.apis, {
        id,
        name: target.name,
      });
      const out = await vaultSnapshots(
        { clients, config, catalog: target.catalog, apis: target.apis, runsCopier: target.runsCopier },
        seeds,
        {
          deadline: Date.now() + target.copyWaitMs,
          pollMs: 15_000,
        },
      );
      // Copies finish in any order; the evidence lists resources in one fixed order, run after run.
      out.vaulted.sort((a, b) => SNAPSHOT_SERVICES.indexOf(a.service) - SNAPSHOT_SERVICES.indexOf(b.service));
      for (const v of out.vaulted)
        rpo.push({
          item: `${v.service}:${v.snapshotId}`,
          writtenAt: v.takenAt,
          safeAt: v.safeAt,
          seconds: (new Date(v.safeAt).getTime() - new Date(v.takenAt).getTime()) / 1000,
        });
      return [
        { seeds, vaulted: out.vaulted, problems: [...problems, ...out.problems] },
        `${out.vaulted.length} of ${seeds.length} snapshots locked in the vault under the vault key`,
      ];
    });
    await pause(1100);
    const pointInTime = new Date();
    await pause(1100);

    const deleteMarkers: DeleteMarkerOutcome[] = [];
    const drift: Finding[] = [];
    const unflaggedDrift: string[] = [];
    const attacks = await step(DRILL_STEPS.attack, async () => {
      const records: AttackRecord[] = [];
      // Threat #5 first: its mass delete needs the objects the rest of the playbook destroys.
      for (const b of buckets) {
        const markers = await runDeleteMarkerAttack(clients, config, model, b, scope, () =>
          target.replicate([]),
        );
        records.push(...markers.records);
        deleteMarkers.push(markers.outcome);
      }
      for (const b of buckets) records.push(...(await runAttacks(clients, config, model, b, scope)));
      records.push(
        ...(await runSnapshotAttacks(
          clients,
          config,
          model,
          target.apis,
          snapshots.seeds,
          snapshots.vaulted,
          scope,
        )),
      );
      // Whatever reached the source since is replicated as S3 would: ransomed versions land in the vault too.
      await target.replicate([]);
      const flagged = await driftAfterAttack(clients, config, records);
      drift.push(...flagged.drift);
      unflaggedDrift.push(...flagged.unflagged);
      const through = records.filter((r) => r.gotThrough).length;
      return [
        records,
        `${records.length} attempts, ${records.filter((r) => r.target === 'source' && r.emulator === 'executed').length} ran in the compromised source, ${through} got through to the vault`,
      ];
    });

    // The drill's restores are of its own seeded workload, a few objects: their keys are kept to verify them.
    const restores: (S3RestoreReport & { items: RestoredItem[] })[] = [];
    const rto: DrillEvidence['rto'] = [];
    const restoredSnapshots = await step(DRILL_STEPS.restore, async () => {
      for (const b of buckets) {
        const t0 = Date.now();
        // Named as the drill's own (the name carries its id): its clean-up finds it by name, no tag needed.
        const items: RestoredItem[] = [];
        const report = await restoreBucket(clients, config, b, {
          at: pointInTime,
          to: drillName(id, `s3-${restores.length}`),
          drill: id,
          ...(scope.prefix ? { prefix: scope.prefix } : {}),
          onItem: (item) => void items.push(item),
        });
        restores.push({ ...report, items });
        rto.push({
          resource: `s3://${b.bucket}`,
          seconds: (Date.now() - t0) / 1000,
          detail: `${report.restored} objects, ${report.planned.bytes} bytes`,
        });
      }
      const restoredSnapshots = await restoreSnapshots(
        { clients, config, catalog: target.catalog, apis: target.apis, restore: target.restore },
        snapshots.vaulted,
        { id, waitMs: target.copyWaitMs },
      );
      for (const r of restoredSnapshots)
        rto.push({
          resource: r.resource,
          seconds: r.seconds,
          detail: r.report
            ? r.report.steps.map((x) => `${x.step} ${x.seconds.toFixed(1)} s`).join(', ')
            : `failed: ${r.error}`,
        });
      return [
        restoredSnapshots,
        [
          ...restores.map((r) => `${r.restored} objects of ${r.source} into ${r.target}`),
          `${restoredSnapshots.filter((r) => r.report?.complete).length} of ${snapshots.vaulted.length} databases and volumes`,
        ].join('; '),
      ];
    });

    const verification = await step(DRILL_STEPS.verify, async () => {
      const out: DrillEvidence['verification'] = [];
      for (const report of restores) {
        const expected = expectedStateAt(
          manifest.filter((m) => m.bucket === report.source),
          pointInTime,
          config.replication.deleteMarkerReplication,
        );
        out.push(
          await verifyRestoredObjects(
            clients.for(S3Client, report.targetAccount, config.vault.region),
            report,
            expected,
          ),
        );
      }
      for (const [n, r] of restoredSnapshots.entries()) {
        const problems = await verifyRestoredSnapshot(clients, snapshots.vaulted[n]!, r);
        out.push({
          resource: r.resource,
          expected: 1,
          restored: r.report?.complete ? 1 : 0,
          matched: problems.length === 0 ? 1 : 0,
          problems,
        });
      }
      return [out, out.map((v) => `${v.resource}: ${v.matched}/${v.expected} match`).join('; ')];
    });

    const lockChecks = checksOutsideTheEvaluator(model);
    if (!opts.keep)
      await step(DRILL_STEPS.cleanUp, async () => {
        const done = await target.cleanUp();
        cleanUp.deleted.push(...done.deleted);
        cleanUp.failed.push(...done.failed);
        return [
          null,
          `${done.deleted.length} resources deleted${done.failed.length ? `, ${done.failed.length} could not be` : ''}`,
        ];
      });
    const reasons = [
      ...attacks
        .filter((a) => a.gotThrough)
        .map((a) => `attack got through: ${a.actor}: ${a.attack} (${a.action})`),
      ...deleteMarkers.flatMap((d) =>
        d.lost.map((v) => `s3://${d.vaultBucket}/${v}: vault version lost to delete-marker replication`),
      ),
      ...unflaggedDrift,
      ...lockChecks.filter((c) => !c.passed).map((c) => `${c.name} is weaker than required: ${c.detail}`),
      ...notReplicated,
      ...snapshots.problems,
      ...verification.flatMap((v) => v.problems.map((p) => `${v.resource}: ${p}`)),
      ...cleanUp.failed.map((f) => `clean-up: ${f.resource} is left: ${f.error}`),
    ];
    const evidence: DrillEvidence = {
      tool: 'airgap drill',
      deployment: config.name,
      target: target.kind,
      id,
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
      deleteMarkers,
      drift,
      restore: restores.map(({ items: _items, ...rest }) => rest),
      snapshotRestores: restoredSnapshots.flatMap((r) => (r.report ? [r.report] : [])),
      verification,
      lockChecks,
      preflight: target.preflight,
      cleanedUp: cleanUp.deleted,
      cleanUpFailures: cleanUp.failed,
      coverage: drillCoverage(config, target.kind),
      manifest,
      snapshots: snapshots.vaulted,
    };
    const running = opts.keep && target.server ? { server: target.server } : {};
    if (!opts.reportDir) return { evidence, ...running };
    if (target.keepsEvidence)
      evidence.evidenceStore = `s3://${RESOURCE_NAMES.evidenceBucket(config)}/${reportName(evidence)}/`;
    const report = writeDrillReport(evidence, opts.reportDir);
    if (!target.keepsEvidence) return { evidence, report, ...running };
    const stored = await keepEvidence(clients, config, report);
    log(`evidence kept in ${evidence.evidenceStore} under Object Lock COMPLIANCE`);
    return { evidence, report, kept: stored, ...running };
  } catch (e) {
    // The drill's own failure is the one to report; clean-up does what it can.
    if (!opts.keep) await target.cleanUp().catch(() => undefined);
    throw e;
  } finally {
    if (!opts.keep) await target.close();
  }
}

/** The guardrails and vault resources attacks are authorized against: the deployed synth output, or a fresh one. */
export function drillModel(config: Config, templates: string | undefined): ProofModel {
  if (templates) return loadModel(config, templates);
  const dir = mkdtempSync(join(tmpdir(), 'airgap-drill-'));
  // As `airgap prove` synthesizes: the model is policies, which neither cdk-nag nor Lambda bundling changes.
  synthesize(config, dir, TEMPLATES_ONLY);
  return loadModel(config, dir);
}
