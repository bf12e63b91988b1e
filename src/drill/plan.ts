import { protectedBuckets, RESOURCE_NAMES, ROLE_NAMES, type Config } from '../config/index.js';
import { AwsClients } from '../aws/clients.js';
import { SNAPSHOT_SERVICES, type SnapshotApi, type SnapshotService } from '../protect/snapshots/model.js';
import type { ProofModel } from '../proof/model.js';
import { authorizeAttempt, s3Attempts, sampleKey, type Attempt, type DrillScope } from './attacks.js';
import { drillName, drillPrefix } from './prefix.js';
import { drillCoverage, type Coverage } from './coverage.js';
import { deleteMarkerAttempts } from './delete-marker-attack.js';
import { preflight, type PreflightCheck } from './preflight.js';
import { snapshotAttempts } from './snapshot-attacks.js';
import type { VaultedSnapshot } from './snapshot-workload.js';

/** Objects the drill writes per protected bucket. */
export const DRILL_KEYS = 24;

/** The drill's steps, in order: the progress lines and the evidence name them so, and the dry run lists them. */
export const DRILL_STEPS = {
  synth: 'prepare: synthesize and load guardrails',
  sandbox: 'prepare: sandbox and accounts',
  preflight: 'prepare: preflight of the accounts',
  write: 'protect: write workload and replicate',
  changes: 'protect: overwrite and delete, replicate',
  snapshots: 'protect: snapshot databases and volumes, copy into the vault',
  attack: 'attack: as the source organization, then against the vault',
  restore: 'restore: into the restore account, as of before the attack',
  verify: 'verify: restored objects against the manifest',
  cleanUp: 'clean up: what the drill created',
} as const;

export interface PlannedAttack {
  actor: string;
  attack: string;
  action: string;
  resource: string;
  target: 'source' | 'vault';
  /** What the drill would do with it, from the same policy evaluation the drill authorizes it with. */
  outcome: 'AWS would refuse it: not sent' | 'would be sent' | 'AWS would allow it: not sent';
  decidedBy: string[];
}

/** What `airgap drill --dry-run` prints: everything the drill would do, and nothing done. */
export interface DrillPlan {
  dryRun: true;
  deployment: string;
  target: 'sandbox' | 'aws';
  /** Where it would run: a fresh local moto_server, or the accounts through a role (and an endpoint). */
  where: string;
  steps: string[];
  creates: string[];
  attacks: PlannedAttack[];
  /** AWS target: the read-only preflight, run now (it reads, it creates nothing). */
  preflight: PreflightCheck[];
  coverage: Coverage[];
}

const ID = '<drill id>';

/**
 * The drill as a plan, with no call that changes anything: the sandbox is not started; on AWS only the read-only
 * preflight runs. Attacks are the drill's own attempts, built without a call and authorized as the drill would.
 */
export async function planDrill(
  config: Config,
  model: ProofModel,
  opts: { target: 'sandbox' | 'aws'; keys: number; clients?: AwsClients | undefined; endpoint?: string },
): Promise<DrillPlan> {
  const onAws = opts.target === 'aws';
  const scope: DrillScope = { id: ID, prefix: onAws ? drillPrefix(ID) : '', sendsProductionAttacks: !onAws };
  const name = (service: SnapshotService, configured: string | undefined, n: number) =>
    onAws ? drillName(ID, `${service}-${n}`) : (configured ?? `drill-${service}-${n}`);
  const clients =
    opts.clients ??
    new AwsClients({ region: config.vault.region, roleName: ROLE_NAMES.operator, endpoint: opts.endpoint });
  const { vaultAccount, restoreAccount } = config.organizations.vault;

  const creates: string[] = [];
  const attempts: { model: ProofModel; attempt: Attempt }[] = [];
  const add = (m: ProofModel, list: Attempt[]) =>
    attempts.push(...list.map((attempt) => ({ model: m, attempt })));
  for (const [n, b] of protectedBuckets(config).entries()) {
    creates.push(
      `${opts.keys} objects written, overwritten and deleted in s3://${b.bucket}/${scope.prefix} (account ${b.account}), their copies in s3://${b.vaultBucket}`,
      `a KMS key in ${b.account} (the workload key the attacker schedules for deletion)`,
      `restore bucket ${drillName(ID, `s3-${n}`)} in the restore account ${restoreAccount}`,
    );
    const markers = deleteMarkerAttempts({ clients, config, model, bucket: b, scope });
    add(model, markers.guarded);
    add(markers.unguardedModel, markers.unguarded);
    add(
      model,
      s3Attempts({
        clients,
        config,
        model,
        bucket: b,
        scope,
        versions: [],
        firstVault: { key: sampleKey(scope), versionId: undefined },
        sourceKey: { arn: `arn:aws:kms:${b.region}:${b.account}:key/<created by the drill>`, keyId: '' },
      }),
    );
  }
  const seeds: VaultedSnapshot[] = [];
  for (const service of SNAPSHOT_SERVICES) {
    let n = 0;
    for (const sel of config.protect[service]) {
      const region = sel.region ?? config.organizations.source.regions[0]!;
      const configured = [...(sel.names ?? []), ...(sel.arns ?? []).map((a) => a.split(/[:/]/).pop()!)];
      for (const c of configured.length ? configured : [undefined]) {
        const resourceId = name(service, c, n++);
        creates.push(
          `${service} ${resourceId} in ${sel.account} (${region}), a snapshot of it, its vault copy in ${vaultAccount} and its restore ${drillName(ID, `restore-${seeds.length}`)} in ${restoreAccount}`,
        );
        const snapshotId = `<snapshot of ${resourceId}>`;
        seeds.push({
          service,
          account: sel.account,
          region,
          resourceId,
          snapshotId,
          snapshotArn: snapshotId,
          sizeGiB: 0,
          takenAt: '',
          vaultCopyId: `<vault copy of ${resourceId}>`,
          vaultCopyArn: '',
          safeAt: '',
        });
      }
    }
  }
  const shareKeys = new Map(
    seeds.map((s) => [
      `${s.account}/${s.region}`,
      { arn: `arn:aws:kms:${s.region}:${s.account}:key/<share key>`, keyId: '' },
    ]),
  );
  const vaultKeys = new Map(
    seeds.map((s) => [s.region, `arn:aws:kms:${s.region}:${vaultAccount}:key/<vault key>`]),
  );
  // The attempts' calls are never made: a plan has no snapshot API to call.
  const apis = {} as Record<SnapshotService, SnapshotApi>;
  add(model, snapshotAttempts({ clients, config, model, apis, seeds, vaulted: seeds, shareKeys, vaultKeys }));
  creates.push(
    onAws
      ? `the report under reports/ and in s3://${RESOURCE_NAMES.evidenceBucket(config)} (Object Lock)`
      : 'the report under reports/',
  );

  const attacks: PlannedAttack[] = [];
  for (const { model: m, attempt: a } of attempts) {
    const decision = await authorizeAttempt(m, a);
    const sendable = a.send && (scope.sendsProductionAttacks || !a.production);
    attacks.push({
      actor: a.actor.label,
      attack: a.attack,
      action: a.action,
      resource: a.resource,
      target: a.target,
      outcome: !decision.allowed
        ? 'AWS would refuse it: not sent'
        : sendable
          ? 'would be sent'
          : 'AWS would allow it: not sent',
      decidedBy: decision.decidedBy,
    });
  }
  return {
    dryRun: true,
    deployment: config.name,
    target: opts.target,
    where: onAws
      ? `the accounts of ${config.name} through the ${ROLE_NAMES.operator} role${opts.endpoint ? ` at ${opts.endpoint}` : ''}; drill-named and drill-tagged resources only`
      : 'a fresh local moto_server, provisioned as the stacks would, stopped after the report',
    steps: [
      DRILL_STEPS.synth,
      onAws ? DRILL_STEPS.preflight : DRILL_STEPS.sandbox,
      DRILL_STEPS.write,
      DRILL_STEPS.changes,
      DRILL_STEPS.snapshots,
      DRILL_STEPS.attack,
      DRILL_STEPS.restore,
      DRILL_STEPS.verify,
      DRILL_STEPS.cleanUp,
    ],
    creates: onAws
      ? creates
      : ['a moto_server process with every account of the config provisioned', ...creates],
    attacks,
    preflight: onAws ? await preflight(clients, config) : [],
    coverage: drillCoverage(config, opts.target),
  };
}

/** The plan as people read it: one line per step, resource and attack. */
export function planText(plan: DrillPlan): string {
  return [
    `drill plan for ${plan.deployment} on the ${plan.target} (dry run: nothing was changed)`,
    `where: ${plan.where}`,
    'steps:',
    ...plan.steps.map((s, n) => `  ${n + 1}. ${s}`),
    'would create:',
    ...plan.creates.map((c) => `  - ${c}`),
    `attacks it would try (${plan.attacks.length}):`,
    ...plan.attacks.map((a) => `  - [${a.target}] ${a.actor}: ${a.attack} (${a.action}): ${a.outcome}`),
    ...(plan.preflight.length
      ? [
          'preflight (read-only, run now):',
          ...plan.preflight.map((c) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.check}: ${c.detail}`),
        ]
      : []),
    'coverage:',
    ...plan.coverage.map(
      (c) => `  - ${c.service}: ${c.exercised ? 'exercised' : 'not exercised'} (${c.note})`,
    ),
  ].join('\n');
}
