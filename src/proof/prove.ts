import { RESOURCE_NAMES, ROLE_NAMES } from '../config/index.js';
import { attackCatalogue, type Attack, type AttackKind } from './attacks.js';
import { Deciders, type Mode, type Pair, type Threads } from './decide.js';
import type { Decision } from './evaluate.js';
import { group } from './grouping.js';
import type { ProofModel } from './model.js';
import { PolicyMemo } from './policy-memo.js';
import { positiveControls, type ControlResult } from './positive-controls.js';
import { principals, type Principal } from './principals.js';

export type { ControlResult };

export interface MatrixCell {
  principal: string;
  kind: AttackKind;
  attempts: number;
  allowed: { action: string; resource: string; why: string }[];
  deniedBy: string[];
}

export interface ProofResult {
  passed: boolean;
  evaluated: number;
  principals: {
    id: string;
    label: string;
    judgedOn:
      | 'every attack'
      | 'every attack; on its own AWS Backup vault, destroying or shortening recovery points'
      | 'destructive attacks'
      | 'destroying data';
  }[];
  matrix: MatrixCell[];
  /** Workload accounts proved through a representative whose policies are identical up to the account. */
  groups: { representative: string; accounts: string[] }[];
  breaches: { principal: string; action: string; resource: string; why: string }[];
  positiveControls: ControlResult[];
  staticChecks: ControlResult[];
  residualRisks: { risk: string; mitigation: string }[];
}

/** Every attack of the catalogue by every principal of the threat model, plus positive controls and the static checks. */
export async function prove(
  model: ProofModel,
  opts: {
    only?: (p: Principal) => boolean;
    mode?: Mode;
    /** Threads to decide the matrix on: this one by default, or one per core (src/proof/decide.ts). */
    threads?: Threads;
    /**
     * Threads the caller started (and closes), instead of `threads`: `airgap prove` starts them before it synthesizes,
     * so that their loading overlaps the synthesis.
     */
    deciders?: Deciders;
  } = {},
): Promise<ProofResult> {
  if (opts.deciders) return proveWith(opts.deciders, model, opts);
  const deciders = new Deciders(opts.threads);
  try {
    return await proveWith(deciders, model, opts);
  } finally {
    await deciders.close();
  }
}

async function proveWith(
  deciders: Deciders,
  model: ProofModel,
  opts: { only?: (p: Principal) => boolean; mode?: Mode },
): Promise<ProofResult> {
  const everyone = principals(model);
  const attacks = await attackCatalogue(model);
  const catalogKeys = new Set(
    model.resources
      .filter((r) => r.kind === 'key' && r.alias === RESOURCE_NAMES.catalogKeyAlias(model.config))
      .map((r) => r.arn),
  );
  const airGapAccount = model.config.organizations.source.airGapAccount;
  const inMatrix = (p: Principal, a: Attack) =>
    (opts.only?.(p) ?? true) && judged(p, a, catalogKeys, airGapAccount);
  const memo = new PolicyMemo();
  const { config, resources, guardrails } = model;
  const decide = (pairs: Pair[]) =>
    deciders.decide(
      { model: { config, resources, guardrails }, pairs, mode: opts.mode ?? 'Discovery' },
      memo,
    );
  const key = ([p, a]: Pair) => `${p.id} ${a.action} ${a.resource}`;
  const decided = new Map<string, Decision>();

  // Pairs that name no workload account are in the matrix whatever the grouping: the workers decide them while
  // this thread groups the workload accounts (on two cores, that hides the grouping of a 500-account proof).
  const early = outsideWorkloads(model, everyone, attacks).filter(([p, a]) => inMatrix(p, a));
  const earlyDecisions = decide(early);
  const grouping = group(model, everyone, attacks);
  (await earlyDecisions).forEach((d, i) => decided.set(key(early[i]!), d));

  const who = grouping.principals.filter(opts.only ?? (() => true));
  const pairs = who.flatMap((p) => grouping.attacks.filter((a) => inMatrix(p, a)).map((a): Pair => [p, a]));
  // A pair whose twin (grouping.ts) is in the matrix too takes the twin's decision instead of its own.
  const keys = pairs.map(key);
  const inPairs = new Set(keys);
  const twinOf = new Map<string, string>();
  pairs.forEach(([p, a], i) => {
    const twin = grouping.twin(p, a);
    const twinKey = twin && key([p, twin]);
    if (twinKey && inPairs.has(twinKey)) twinOf.set(keys[i]!, twinKey);
  });
  const own = pairs.filter((_, i) => !decided.has(keys[i]!) && !twinOf.has(keys[i]!));
  (await decide(own)).forEach((d, i) => decided.set(key(own[i]!), d));
  const decisions = keys.map((k) => {
    const decision = decided.get(k) ?? decided.get(twinOf.get(k)!);
    if (!decision) throw new Error(`the proof decided no ${k}`);
    return decision;
  });
  const cells = new Map<string, MatrixCell>();
  const breaches: ProofResult['breaches'] = [];
  pairs.forEach(([principal, attack], i) => {
    const decision = decisions[i]!;
    const key = `${principal.id}|${attack.kind}`;
    const cell = cells.get(key) ?? {
      principal: principal.id,
      kind: attack.kind,
      attempts: 0,
      allowed: [],
      deniedBy: [],
    };
    cell.attempts++;
    if (decision.allowed) {
      cell.allowed.push({
        action: attack.action,
        resource: attack.resource,
        why: decision.decidedBy.join('; '),
      });
      breaches.push({
        principal: principal.label,
        action: attack.action,
        resource: attack.resource,
        why: decision.decidedBy.join('; '),
      });
    } else {
      for (const d of decision.decidedBy) if (!cell.deniedBy.includes(d)) cell.deniedBy.push(d);
    }
    cells.set(key, cell);
  });
  const positive = await positiveControls(model, grouping.principals, grouping.evaluated, memo);
  const staticChecks = checksOutsideTheEvaluator(model);
  return {
    passed: breaches.length === 0 && positive.every((c) => c.passed) && staticChecks.every((c) => c.passed),
    evaluated: pairs.length,
    principals: who.map((p) => ({
      id: p.id,
      label: p.label,
      judgedOn:
        p.trust === 'attacker'
          ? ownsAirGappedVault(p, airGapAccount)
            ? 'every attack; on its own AWS Backup vault, destroying or shortening recovery points'
            : 'every attack'
          : p.trust === 'break-glass'
            ? 'destroying data'
            : 'destructive attacks',
    })),
    matrix: [...cells.values()],
    groups: [...grouping.represents]
      .filter(([, members]) => members.length > 0)
      .map(([representative, accounts]) => ({ representative, accounts })),
    breaches,
    positiveControls: positive,
    staticChecks,
    residualRisks: RESIDUAL_RISKS,
  };
}

/**
 * The principals outside the workload accounts, each with every attack whose resource is outside them too (by
 * account id): grouping, which reduces workload accounts to representatives, keeps them in the matrix (unless its
 * wider match, on protected bucket names too, finds one in them: that pair is then decided for nothing).
 */
function outsideWorkloads(model: ProofModel, everyone: Principal[], attacks: Attack[]): Pair[] {
  const workloads = new Set(model.config.organizations.source.workloadAccounts.map((a) => a.id));
  const outside = (s: string) => !(s.match(/\d{12}/g) ?? []).some((id) => workloads.has(id));
  const targets = attacks.filter((a) => outside(a.resource) && outside(a.resourceAccount));
  return everyone
    .filter((p) => outside(p.arn) && outside(p.account))
    .flatMap((p) => targets.map((a): Pair => [p, a]));
}

/** What the replication role must be able to do: proved allowed by the positive controls instead. */
const REPLICATION_GRANTS = [
  's3:ReplicateObject',
  's3:ReplicateTags',
  's3:ObjectOwnerOverrideToBucketOwner',
  'kms:Encrypt',
  'kms:GenerateDataKey',
];

/**
 * The vault's own functions' jobs, not attacks: the copier records each copy in the catalog; the retention role
 * deletes copies whose retention has passed (which ones is decided by its code from the copy's tags, a residual
 * risk below; EBS copies are also held by their compliance lock); the restore workflow shares a vault copy with
 * the restore account (with which account: IAM for EBS, its code for RDS and Aurora, a residual risk below).
 */
const VAULT_SERVICE_GRANTS = [
  { role: ROLE_NAMES.snapshotCopier, actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  {
    role: ROLE_NAMES.retention,
    actions: ['rds:DeleteDBSnapshot', 'rds:DeleteDBClusterSnapshot', 'ec2:DeleteSnapshot'],
  },
  {
    role: ROLE_NAMES.restoreWorkflow,
    actions: [
      'rds:ModifyDBSnapshotAttribute',
      'rds:ModifyDBClusterSnapshotAttribute',
      'ec2:ModifySnapshotAttribute',
    ],
  },
  // The restore's share of a copy with the restore account (EC2: that account only, by condition; RDS has no
  // condition key for it: a residual risk below). Sharing adds a reader, and the copy stays under the vault key.
  {
    role: ROLE_NAMES.operator,
    actions: [
      'rds:ModifyDBSnapshotAttribute',
      'rds:ModifyDBClusterSnapshotAttribute',
      'ec2:ModifySnapshotAttribute',
    ],
  },
];

/**
 * Attackers are judged on every action, reads included. Vault-organization operators may read and add (a new
 * version never removes a locked one), so they are judged on what destroys, shortens, re-keys or disables.
 * The replication role's own replicate permissions are the positive control, not an attack.
 */
/** What the owner of the air-gapped vault's account can change on it that removes no recovery point (a residual risk). */
const AIR_GAP_OWNER_ACTIONS = [
  'backup:PutBackupVaultSharingPolicy',
  'backup:PutBackupVaultNotifications',
  // Only a request: AWS Backup revokes once the multi-party approval team approves (see the residual risk).
  'backup:RevokeRestoreAccessBackupVault',
  'backup:UpdateRecoveryPointIndexSettings',
];

function judged(
  p: Principal,
  a: Attack,
  catalogKeys: ReadonlySet<string>,
  airGapAccount: string | undefined,
): boolean {
  if (p.arn.endsWith(`:role/${ROLE_NAMES.replication}`) && REPLICATION_GRANTS.includes(a.action))
    return false;
  if (VAULT_SERVICE_GRANTS.some((g) => p.arn.endsWith(`:role/${g.role}`) && g.actions.includes(a.action)))
    return false;
  // Copying a recovery point in is the AWS Backup path's own flow from the workload accounts, as replication is
  // for buckets: it adds one, never removes or shortens one (a residual risk below).
  if (a.action === 'backup:CopyIntoBackupVault' && p.organization === 'source') return false;
  if (p.trust === 'break-glass') return destroysData(a);
  // The air-gapped vault's owner is a source account (AWS Backup copies only within one organization): whoever
  // acts in it is judged, on that vault, on what destroys or shortens its recovery points, which the vault's access
  // policy and Vault Lock refuse; that it can read, restore, share and re-tag them is a residual risk below.
  if (
    ownsAirGappedVault(p, airGapAccount) &&
    a.resourceAccount === airGapAccount &&
    a.action.startsWith('backup:')
  )
    return a.destructive && !AIR_GAP_OWNER_ACTIONS.includes(a.action);
  // The operator reads vault metadata, never its content: decrypting with a vault key is an attack for it too.
  // Reading the catalog is its job, and the catalog has a key of its own: decrypting with that one reads no
  // vault data (destroying or re-keying it stays judged below, as for every key).
  if (
    p.arn.endsWith(`:role/${ROLE_NAMES.operator}`) &&
    a.kind === 'read-decrypt' &&
    a.action.startsWith('kms:')
  )
    return !(a.action === 'kms:Decrypt' && catalogKeys.has(a.resource));
  return p.trust === 'attacker' || a.destructive;
}

/** Whether `p` acts in the source account that holds the logically air-gapped vault. */
const ownsAirGappedVault = (p: Principal, airGapAccount: string | undefined): boolean =>
  p.organization === 'source' && p.account === airGapAccount;

/** Destruction no principal may cause, break-glass included: the data itself, its retention, its key. */
function destroysData(a: Attack): boolean {
  if (a.kind === 'retention') return !/^[a-z0-9-]+:(Get|List)/.test(a.action);
  if (a.kind === 'delete' && /:s3:::.+\/|snapshot|recovery-point/.test(a.resource)) return true;
  return /^kms:(ScheduleKeyDeletion|Disable|Delete|Import)/.test(a.action);
}

/** What IAM evaluation cannot see: the service locks themselves. */
export function checksOutsideTheEvaluator(model: ProofModel): ControlResult[] {
  const out: ControlResult[] = [];
  const days = model.config.vault.retention.days;
  // Vault buckets: the log archive's bucket keeps its own retention (governance.logRetentionDays).
  const vaultAccount = model.config.organizations.vault.vaultAccount;
  for (const b of model.resources.filter((r) => r.kind === 'bucket' && r.account === vaultAccount)) {
    const lock = b.objectLock;
    const ok = lock?.mode === 'COMPLIANCE' && lock.days >= days;
    out.push({
      name: `Object Lock of ${b.name}`,
      passed: ok,
      detail: lock
        ? `${lock.mode}, ${lock.days} days (required: COMPLIANCE, at least ${days})`
        : 'no default retention',
    });
  }
  for (const v of model.resources.filter((r) => r.kind === 'backup-vault')) {
    const lock = v.vaultLock;
    // Grace 0 is a logically air-gapped vault, immutable from creation with at least 7 days.
    const ok =
      !!lock &&
      lock.changeableForDays !== undefined &&
      (lock.changeableForDays === 0
        ? (lock.minDays ?? 0) >= 7
        : lock.changeableForDays >= 3 && (lock.minDays ?? 0) >= 1);
    out.push({
      name: `Vault Lock of ${v.name}`,
      passed: ok,
      detail: lock ? JSON.stringify(lock) : 'no Vault Lock',
    });
  }
  return out;
}

export const RESIDUAL_RISKS: ProofResult['residualRisks'] = [
  {
    risk: 'AirGapOperator (people, with MFA, from the allowed networks) can share an RDS or Aurora vault copy with any account: RDS has no condition key naming the account shared with.',
    mitigation:
      'The copy stays encrypted under the vault key, which the operator may grant to the restore role only (kms:GranteePrincipal) and nobody outside the vault organization can use (key policy, RCP); EBS shares are bounded to the restore account (ec2:Add/userId); the SCP lets the operator change nothing else on a copy; CloudTrail records every share.',
  },
  {
    risk: 'SCPs do not bind the vault organization’s management account: its root could detach the guardrails.',
    mitigation:
      'No workloads in it, hardware MFA, two-person custody of root; `airgap audit` reads the attachments; Object Lock COMPLIANCE holds regardless.',
  },
  {
    risk: 'SCPs do not bind service-linked roles: a service could act on vault resources on someone’s behalf.',
    mitigation:
      'The final guarantee is the service lock (Object Lock COMPLIANCE, EBS snapshot lock, Vault Lock), which binds services too.',
  },
  {
    risk: 'A compromised source account can replicate new (ransomed) versions into the vault through its replication role, or copy new recovery points into the air-gapped vault.',
    mitigation:
      'New versions never remove locked ones; restores pick a point in time before the attack, never "latest".',
  },
  {
    risk: 'The logically air-gapped vault lives in a source account (AWS Backup copies recovery points only between accounts of one organization): that account’s owner can restore, copy out, search, re-index and re-tag its recovery points and change its sharing (AWS RAM, PutBackupVaultSharingPolicy) and notifications, so it can cut the restore account’s access through the share; it cannot delete or shorten them (access policy, Vault Lock in compliance mode). Disassociating or replacing the multi-party approval team, or revoking a restore access vault, it can only request: AWS Backup does it once the required number of the current team’s members approve (https://docs.aws.amazon.com/aws-backup/latest/devguide/multipartyapproval-tasks-requester.html), so what remains is approvers talked into approving.',
    mitigation:
      'The S3 and snapshot paths keep their own copies in the vault organization; the multi-party approval team of the vault management account restores without the owner, and each request to remove or replace it notifies its members; the source SCP also denies disassociating it to all but break-glass; the data in the vault is the source organization’s own; every change is in CloudTrail.',
  },
  {
    risk: 'Closing the vault account deletes its data after 90 days (the only way around COMPLIANCE).',
    mitigation:
      'Account closure happens from the vault management account only; keep its root in two-person custody; alarm on the event.',
  },
  {
    risk: 'The retention role (AirGapRetention, a vault-account function) may delete snapshot copies; that it deletes only expired ones is enforced by its code from each copy’s retain-until tag, not by IAM.',
    mitigation:
      'Only the copier and the retention role may tag copies (SCP), the function runs in the vault organization only, EBS copies are held by their compliance lock, and every deletion is in CloudTrail and the catalog.',
  },
  {
    risk: 'The restore workflow’s role (AirGapRestoreFlow, a vault-account function) may share vault copies: EBS copies with the restore account only (IAM condition), RDS and Aurora copies with the account its code names, since RDS has no condition key for it.',
    mitigation:
      'Its code shares with the restore account of its settings only, and the SCPs forbid changing the function or its role; a shared copy is useless without the vault key, whose grants IAM limits to the restore account’s AirGapRestoreFlow and whose RCP refuses principals outside the vault organization; every share is in CloudTrail.',
  },
  {
    risk: 'The evaluator does not model Object Lock or Vault Lock semantics.',
    mitigation:
      'They are checked from the templates above (mode, days, cooling-off) and live by `airgap audit`.',
  },
];
