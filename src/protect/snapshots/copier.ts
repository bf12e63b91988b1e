import type { AwsClients } from '../../aws/clients.js';
import { catalogId, type Catalog, type CatalogEntry } from '../../catalog/catalog.js';
import type { Config } from '../../config/index.js';
import { RESOURCE_NAMES, TAGS } from '../../config/names.js';
import {
  BACK_PRESSURE,
  COPY_VISIBILITY_GRACE_MS,
  SOURCE_GONE,
  type SharedSnapshot,
  type SnapshotApi,
  type SnapshotService,
  type VaultCopy,
} from './model.js';
import { keyArnOf } from '../kms/key-facts.js';
import { retainUntil } from './retention.js';
import { laneOf, nextCopies, type CopyJob, type InFlight } from './scheduler.js';

/** What the copier reads of the config: the copier function gets exactly this from its environment. */
export type CopierConfig = Pick<Config, 'name'> & {
  organizations: { vault: Pick<Config['organizations']['vault'], 'vaultAccount'> };
  vault: { retention: Pick<Config['vault']['retention'], 'days'> };
};

export interface CopierContext {
  clients: AwsClients;
  config: CopierConfig;
  catalog: Catalog;
  apis: Record<SnapshotService, SnapshotApi>;
  now?: () => Date;
  /** Concurrent copy quotas (Service Quotas values); defaults to AWS's 20 per region. */
  limits?: Record<string, number>;
}

export type CopyOutcome =
  | { snapshot: string; result: 'copied' | 'already-copied' | 'completed'; entry: CatalogEntry }
  | { snapshot: string; result: 'deferred'; reason: string }
  /** A failure names the protected resource, which the failure metric and its alarm are per. */
  | { snapshot: string; result: 'failed'; cause: string; service: SnapshotService; resource: string };

export interface CopierReport {
  outcomes: CopyOutcome[];
  inFlight: number;
}

/** The vault copy's deterministic identifier: RDS and Aurora use it as the target id; the catalog id is its hash. */
export function vaultCopyId(sourceArn: string): string {
  return `airgap-${catalogId(sourceArn)}`;
}

/**
 * The vault key of one region, by its alias there (every region's vault key has the same alias): a copy is made
 * in its snapshot's region and must be encrypted under that region's key. Copies take a key ARN, since an alias
 * would resolve in the caller's account.
 */
export async function vaultKeyArn(
  clients: AwsClients,
  config: Pick<CopierConfig, 'name' | 'organizations'>,
  region: string,
): Promise<string> {
  const vault = config.organizations.vault.vaultAccount;
  const alias = RESOURCE_NAMES.vaultKeyAlias(config);
  const arn = await keyArnOf(clients, vault, region, alias);
  if (!arn)
    throw new Error(
      `vault key ${alias} not found in account ${vault} ${region}: deploy the vault key of ${region} there (airgap synth writes it for every region with protected snapshots)`,
    );
  return arn;
}

/**
 * One copier run (an event's snapshots, or the sweep's): finish copies in flight, then start what the quotas allow.
 * Safe to re-run at any point: deterministic ids make an existing copy visible, the catalog write is conditional,
 * and anything not started stays for the next run.
 */
export async function runCopier(ctx: CopierContext, shared: SharedSnapshot[]): Promise<CopierReport> {
  const vault = ctx.config.organizations.vault.vaultAccount;
  const now = ctx.now ?? (() => new Date());
  const outcomes: CopyOutcome[] = [];

  const entries = await ctx.catalog.list();
  const inFlight: InFlight[] = [];
  for (const entry of entries.filter((e) => e.state === 'copying')) {
    const after = await finish(ctx, entry);
    if (after.state === 'available')
      outcomes.push({ snapshot: entry.sourceArn, result: 'completed', entry: after });
    else if (after.state === 'failed')
      outcomes.push({
        snapshot: entry.sourceArn,
        result: 'failed',
        cause: after.cause ?? '',
        service: entry.service as SnapshotService,
        resource: entry.sourceResource,
      });
    else
      inFlight.push({
        lane: laneOf(entry.service as SnapshotService, entry.region),
        resource: entry.sourceResource,
      });
  }

  const known = new Map(entries.map((e) => [e.id, e]));
  const byKey = new Map<string, SharedSnapshot>();
  for (const s of shared) {
    const id = catalogId(s.arn);
    const entry = known.get(id);
    if (entry && entry.state !== 'failed') {
      if (entry.state === 'available') outcomes.push({ snapshot: s.arn, result: 'already-copied', entry });
      continue;
    }
    // A crash between copy and catalog write left a copy the catalog does not know: record it, copy nothing.
    const existing = await ctx.apis[s.service].findCopy(vault, s.region, vaultCopyId(s.arn), s.arn);
    if (existing && existing.status !== 'failed') {
      const recorded = await record(ctx, s, existing, now());
      outcomes.push({ snapshot: s.arn, result: 'already-copied', entry: await finish(ctx, recorded) });
      continue;
    }
    byKey.set(s.arn, s);
  }

  const queue: CopyJob[] = [...byKey.values()].map((s) => ({
    key: s.arn,
    lane: laneOf(s.service, s.region),
    resource: s.sourceResource,
    weight: s.sizeGiB,
    createdAt: s.createdAt.getTime(),
  }));
  const saturated = new Set<string>();
  for (const job of nextCopies(queue, inFlight, ctx.limits)) {
    const s = byKey.get(job.key)!;
    byKey.delete(job.key);
    if (saturated.has(job.lane)) {
      outcomes.push({ snapshot: s.arn, result: 'deferred', reason: `copy quota of ${job.lane} reached` });
      continue;
    }
    outcomes.push(await start(ctx, s, now(), () => saturated.add(job.lane)));
  }
  for (const s of byKey.values())
    outcomes.push({
      snapshot: s.arn,
      result: 'deferred',
      reason: 'waits for a copy slot or for the previous copy of its resource',
    });
  return { outcomes, inFlight: inFlight.length };
}

async function start(
  ctx: CopierContext,
  s: SharedSnapshot,
  now: Date,
  saturate: () => void,
): Promise<CopyOutcome> {
  const vault = ctx.config.organizations.vault.vaultAccount;
  const until = retainUntil(now, ctx.config.vault.retention.days);
  const target = {
    account: vault,
    // Shared encrypted snapshots can only be copied in their own region (threat #18): the copy lands beside them.
    region: s.region,
    id: vaultCopyId(s.arn),
    kmsKeyArn: await vaultKeyArn(ctx.clients, ctx.config, s.region),
    tags: {
      [TAGS.sourceArn]: s.arn,
      [TAGS.sourceAccount]: s.sourceAccount,
      [TAGS.createdAt]: s.createdAt.toISOString(),
      [TAGS.retainUntil]: until.toISOString(),
    },
  };
  let copy: VaultCopy;
  try {
    copy = await ctx.apis[s.service].startCopy(s, target);
  } catch (e) {
    const name = (e as Error).name;
    if (BACK_PRESSURE.has(name)) {
      saturate();
      return { snapshot: s.arn, result: 'deferred', reason: `${name}: retried on the next run` };
    }
    if (!SOURCE_GONE.has(name)) throw e;
    const cause = `source snapshot ${s.arn} is gone or no longer shared (${name})`;
    await recordFailure(ctx, s, target.id, until, cause);
    return { snapshot: s.arn, result: 'failed', cause, service: s.service, resource: s.sourceResource };
  }
  const startedAt = now.toISOString();
  let entry = await record(ctx, s, copy, now, startedAt);
  if (entry.state === 'failed') {
    // A retry of a failed copy: the entry follows the new copy (EBS gives it a new id) and its start time.
    const restarted = { vaultCopyId: copy.id, vaultCopyArn: copy.arn, copyStartedAt: startedAt };
    await ctx.catalog.restart(entry.id, restarted);
    const { cause: _, ...rest } = entry;
    entry = { ...rest, ...restarted, state: 'copying' };
  }
  return { snapshot: s.arn, result: 'copied', entry: await finish(ctx, entry) };
}

function entryOf(
  s: SharedSnapshot,
  copy: { id: string; arn: string },
  retainUntilIso: string,
  copyStartedAt?: string,
): CatalogEntry {
  return {
    ...(copyStartedAt ? { copyStartedAt } : {}),
    id: catalogId(s.arn),
    service: s.service,
    sourceArn: s.arn,
    sourceAccount: s.sourceAccount,
    sourceResource: s.sourceResource,
    region: s.region,
    vaultCopyId: copy.id,
    vaultCopyArn: copy.arn,
    createdAt: s.createdAt.toISOString(),
    retainUntil: retainUntilIso,
    state: 'copying',
  };
}

/** Records a copy: one this run started (`startedAt`), or one a crashed run started, found by its target. */
async function record(
  ctx: CopierContext,
  s: SharedSnapshot,
  copy: VaultCopy,
  now: Date,
  startedAt?: string,
): Promise<CatalogEntry> {
  const until =
    copy.tags[TAGS.retainUntil] ?? retainUntil(now, ctx.config.vault.retention.days).toISOString();
  return ctx.catalog.record(entryOf(s, copy, until, startedAt));
}

async function recordFailure(ctx: CopierContext, s: SharedSnapshot, id: string, until: Date, cause: string) {
  const entry = await ctx.catalog.record({
    ...entryOf(s, { id, arn: '' }, until.toISOString()),
    state: 'failed',
    cause,
  });
  if (entry.state !== 'available') await ctx.catalog.setState(entry.id, 'failed', cause);
}

/** Completes a copy that has finished: lock it (EBS), mark it available. Returns the entry as it now stands. */
async function finish(ctx: CopierContext, entry: CatalogEntry): Promise<CatalogEntry> {
  const vault = ctx.config.organizations.vault.vaultAccount;
  const api = ctx.apis[entry.service as SnapshotService];
  const copy = await api.describeCopy(vault, entry.region, entry.vaultCopyId);
  const now = (ctx.now ?? (() => new Date()))().getTime();
  if (!copy && entry.copyStartedAt && now - Date.parse(entry.copyStartedAt) < COPY_VISIBILITY_GRACE_MS)
    return entry;
  if (!copy || copy.status === 'failed') {
    const cause = copy
      ? `vault copy ${entry.vaultCopyId} failed`
      : `vault copy ${entry.vaultCopyId} disappeared`;
    await ctx.catalog.setState(entry.id, 'failed', cause);
    return { ...entry, state: 'failed', cause };
  }
  if (copy.status !== 'available') return entry;
  await api.lock(vault, entry.region, entry.vaultCopyId, new Date(entry.retainUntil));
  await ctx.catalog.setState(entry.id, 'available');
  return { ...entry, state: 'available' };
}
