import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../../aws/clients.js';
import type { Catalog, CatalogEntry } from '../../catalog/catalog.js';
import { RESOURCE_NAMES, TAGS } from '../../config/names.js';
import type { Config } from '../../config/index.js';
import { InputError } from '../../errors.js';
import { findGrant, grantSnapshotCopy } from '../kms/grant.js';
import { keyArnOf } from '../kms/key-facts.js';
import { vaultKeyArn } from './copier.js';
import {
  COPY_VISIBILITY_GRACE_MS,
  type RestoredResource,
  type SnapshotApi,
  type SnapshotService,
  type VaultCopy,
} from './model.js';
import {
  resolveVaultCopy,
  restoreCopyId,
  restoreTargetName,
  stepsToDo,
  type RestoreProgress,
  type RestoreStep,
} from './restore-plan.js';

/** What a restore reads of the config: the deployment name (key aliases) and the vault and restore accounts. */
export type SnapshotRestoreConfig = Pick<Config, 'name'> & {
  organizations: { vault: Pick<Config['organizations']['vault'], 'vaultAccount' | 'restoreAccount'> };
};

export interface SnapshotRestoreContext {
  /** The vault account's operator: reads the catalog, shares the copy, grants the restore role the vault key. */
  clients: AwsClients;
  config: SnapshotRestoreConfig;
  catalog: Catalog;
  apis: Record<SnapshotService, SnapshotApi>;
  /**
   * The restore account's side: the clients and snapshot APIs of the role that copies the shared copy and restores
   * from it, so the one the vault key grant names (the restore role for a person, the restore workflow's own role on
   * AWS: src/infra/vault/restore-workflow.ts), holder of the restore key.
   */
  restore: { clients: AwsClients; apis: Record<SnapshotService, SnapshotApi> };
}

export interface SnapshotRestoreOptions {
  service: SnapshotService;
  /** A catalog id, a vault copy id or ARN, or a protected resource's name or ARN (its newest copy). */
  from: string;
  /** With a resource in `from`: the newest copy taken at or before this time. */
  at?: Date | undefined;
  /** Name of the restored DB instance, cluster or volume (default: from the copy's catalog id). */
  to?: string | undefined;
  dryRun?: boolean;
  /** How long to wait for the copy, then the restored resource, to become available (default 60 min). */
  waitMs?: number;
  pollMs?: number;
  /** Called as each step ends (progress on a terminal). */
  onStep?: (step: StepReport) => void;
  /**
   * The drill's own restore (its id): what it creates carries the drill tag, which the drill's clean-up looks for,
   * and `to` may be one of its names (`airgap-drill-<id>-…`), which no other restore takes.
   */
  drill?: string;
}

export interface StepReport {
  step: RestoreStep;
  state: 'done' | 'already-done' | 'planned' | 'in-progress';
  seconds: number;
  detail: string;
}

export interface SnapshotRestoreReport {
  service: SnapshotService;
  dryRun: boolean;
  copy: Pick<CatalogEntry, 'id' | 'vaultCopyId' | 'vaultCopyArn' | 'sourceResource' | 'createdAt'>;
  target: { account: string; region: string; name: string };
  steps: StepReport[];
  restored: RestoredResource | undefined;
  /** False when the copy or the restore is still running after the wait: run the same command again. */
  complete: boolean;
  seconds: number;
}

const ALL_STEPS: RestoreStep[] = ['share', 'grant', 'copy', 'restore'];

/**
 * Restores a vault copy into the restore account: share the copy with it, grant its restore role the vault key,
 * copy under the restore account's key, restore the instance, cluster or volume. Every step is found done by a
 * re-run (share attribute, named grant, deterministic copy id or tag, restored-from tag on the target), so the
 * command is idempotent and resumes where it stopped. Refuses a target of that name restored from anything else
 * (threat #32). With `dryRun`, reads only and returns the steps it would take (threat #31).
 */
export async function restoreSnapshot(
  ctx: SnapshotRestoreContext,
  opts: SnapshotRestoreOptions,
): Promise<SnapshotRestoreReport> {
  const started = performance.now();
  const { vaultAccount: vault, restoreAccount: restore } = ctx.config.organizations.vault;
  const entry = resolveVaultCopy(await ctx.catalog.list(), opts.service, opts.from, opts.at);
  const name = restoreTargetName(entry, opts.to, opts.drill);
  const drillTags: Record<string, string> = opts.drill === undefined ? {} : { [TAGS.drill]: opts.drill };
  const region = entry.region;
  const api = ctx.apis[opts.service];
  const restoreApi = ctx.restore.apis[opts.service];
  const target = { account: restore, region, name, tags: { ...drillTags, [TAGS.restoredFrom]: entry.id } };

  const restoreKeyAlias = RESOURCE_NAMES.restoreKeyAlias(ctx.config);
  const restoreKey = await keyArnOf(ctx.restore.clients, restore, region, restoreKeyAlias);
  if (!restoreKey)
    throw new InputError([
      `restore account ${restore} has no ${restoreKeyAlias} in ${region}: deploy the restore stack there first`,
    ]);
  const vaultKey = await vaultKeyArn(ctx.clients, ctx.config, region);
  const grantName = `airgap-restore-${entry.id}`;

  const existing = await restoreApi.findRestored(target);
  if (existing && existing.tags[TAGS.restoredFrom] !== entry.id)
    throw new InputError([
      `--to ${name}: ${existing.arn} already exists in account ${restore} and was not restored from ${entry.id}; choose another --to (nothing is overwritten)`,
    ]);
  let copy = await restoreApi.findCopy(restore, region, restoreCopyId(entry), entry.vaultCopyArn);
  const progress: RestoreProgress = {
    restored: existing !== undefined,
    copy: !copy || copy.status === 'failed' ? 'none' : copy.status,
    shared: (await api.sharedWith(vault, region, entry.vaultCopyId)).includes(restore),
    granted: (await findGrant(ctx.clients, vault, region, vaultKey, grantName)) !== undefined,
  };
  const todo = stepsToDo(progress);
  const report: SnapshotRestoreReport = {
    service: opts.service,
    dryRun: opts.dryRun ?? false,
    copy: {
      id: entry.id,
      vaultCopyId: entry.vaultCopyId,
      vaultCopyArn: entry.vaultCopyArn,
      sourceResource: entry.sourceResource,
      createdAt: entry.createdAt,
    },
    target: { account: restore, region, name },
    steps: ALL_STEPS.filter((s) => !todo.includes(s)).map((step) => ({
      step,
      state: 'already-done',
      seconds: 0,
      detail: '',
    })),
    restored: existing,
    complete: todo.length === 0 && existing?.status === 'available',
    seconds: 0,
  };
  const waitMs = opts.waitMs ?? 60 * 60_000;
  const pollMs = opts.pollMs ?? 15_000;
  const until = async <T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    const deadline = Date.now() + waitMs;
    let value = await read();
    while (!done(value) && Date.now() < deadline) {
      await sleep(pollMs);
      value = await read();
    }
    return value;
  };

  for (const step of todo) {
    if (report.dryRun) {
      report.steps.push({ step, state: 'planned', seconds: 0, detail: planned(step, entry, name) });
      continue;
    }
    const t0 = performance.now();
    const done = (state: StepReport['state'], detail: string) => {
      const r = { step, state, seconds: (performance.now() - t0) / 1000, detail };
      report.steps.push(r);
      opts.onStep?.(r);
    };
    if (step === 'share') {
      await api.shareWith(vault, region, entry.vaultCopyId, restore);
      done('done', `${entry.vaultCopyId} shared with account ${restore}`);
    } else if (step === 'grant') {
      const grantee = ctx.restore.clients.roleArn(restore);
      const id = await grantSnapshotCopy(ctx.clients, vault, region, vaultKey, grantee, grantName);
      done('done', `grant ${id} on ${vaultKey} to ${grantee}`);
    } else if (step === 'copy') {
      const startedAt = Date.now();
      const startedHere = copy === undefined;
      copy ??= await restoreApi.startCopy(
        {
          service: opts.service,
          arn: entry.vaultCopyArn,
          id: entry.vaultCopyId,
          sourceAccount: vault,
          region,
          sourceResource: entry.sourceResource,
          createdAt: new Date(entry.createdAt),
          encrypted: true,
          kmsKeyId: vaultKey,
          sizeGiB: 1,
        },
        {
          account: restore,
          region,
          id: restoreCopyId(entry),
          kmsKeyArn: restoreKey,
          tags: { ...drillTags, [TAGS.sourceArn]: entry.vaultCopyArn, [TAGS.restoredFrom]: entry.id },
        },
      );
      const started = copy;
      const id = copy.id;
      copy = await until(
        async () =>
          (await restoreApi.describeCopy(restore, region, id)) ??
          // Not visible yet right after the copy started (eventual consistency): still copying, for a while.
          (startedHere && Date.now() - startedAt < COPY_VISIBILITY_GRACE_MS
            ? { ...started, status: 'pending' as const }
            : undefined),
        (c: VaultCopy | undefined) => c?.status !== 'pending',
      );
      if (!copy || copy.status === 'failed')
        throw new Error(`the restore account's copy ${id} of ${entry.vaultCopyId} failed`);
      if (copy.status === 'pending') {
        done('in-progress', `${id} under ${restoreKeyAlias} still copying: run the same command again`);
        break;
      }
      done('done', `${id} under ${restoreKeyAlias}`);
    } else {
      const from = copy!;
      const restored = await restoreApi.restoreFrom(from, target);
      report.restored = await until(
        async () => (await restoreApi.findRestored(target)) ?? restored,
        (r) => r.status === 'available',
      );
      const ready = report.restored.status === 'available';
      done(
        ready ? 'done' : 'in-progress',
        `${report.restored.arn} from ${from.id}${ready ? '' : ` (${report.restored.status})`}`,
      );
      report.complete = ready;
    }
  }
  if (existing && todo.length === 0 && !report.complete && !report.dryRun) {
    // A re-run while the restored resource is still coming up: wait for it like the first run would have.
    report.restored = await until(
      async () => (await restoreApi.findRestored(target)) ?? existing,
      (r) => r.status === 'available',
    );
    report.complete = report.restored.status === 'available';
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function planned(step: RestoreStep, entry: CatalogEntry, name: string): string {
  switch (step) {
    case 'share':
      return `share ${entry.vaultCopyId} with the restore account`;
    case 'grant':
      return `grant the restore role the vault key`;
    case 'copy':
      return `copy ${entry.vaultCopyId} as ${restoreCopyId(entry)} under the restore key`;
    case 'restore':
      return `restore ${name} from that copy`;
  }
}
