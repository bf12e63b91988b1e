import type { CatalogEntry } from '../../catalog/catalog.js';
import { DRILL_NAME_PREFIX, isDrillsOwn } from '../../drill/prefix.js';
import { InputError } from '../../errors.js';
import type { SnapshotService } from './model.js';

/**
 * Which vault copy `--from` names: a catalog id, a vault copy id or ARN, or a protected resource (name or ARN),
 * whose newest available copy at or before `at` is taken. Pure; every miss is one line of bad input.
 */
export function resolveVaultCopy(
  entries: readonly CatalogEntry[],
  service: SnapshotService,
  from: string,
  at: Date | undefined,
): CatalogEntry {
  const exact = entries.find((e) => e.id === from || e.vaultCopyId === from || e.vaultCopyArn === from);
  if (exact) {
    if (at)
      throw new InputError([
        `--at: --from ${from} names one vault copy already; --at picks among the copies of a resource (give its name or ARN)`,
      ]);
    return usable(exact, service, from);
  }
  const ofResource = entries.filter(
    (e) =>
      e.service === service && (e.sourceResource === from || e.sourceResource.split(/[:/]/).pop() === from),
  );
  if (ofResource.length === 0)
    throw new InputError([
      `--from ${from}: no vault copy, catalog id or ${service} resource with copies of that name; \`airgap snapshots status\` lists them`,
    ]);
  const candidates = ofResource
    .filter((e) => e.state === 'available' && (!at || e.createdAt <= at.toISOString()))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const newest = candidates[0];
  if (!newest) {
    const oldest = ofResource.map((e) => e.createdAt).sort()[0];
    throw new InputError([
      at
        ? `--at ${at.toISOString()}: ${from} has no completed vault copy taken at or before it (oldest: ${oldest})`
        : `--from ${from}: none of its ${ofResource.length} vault copies has completed yet`,
    ]);
  }
  return newest;
}

function usable(e: CatalogEntry, service: SnapshotService, from: string): CatalogEntry {
  if (e.service !== service)
    throw new InputError([
      `--from ${from} is a ${e.service} vault copy: use \`airgap restore ${e.service}\``,
    ]);
  if (e.state !== 'available')
    throw new InputError([
      `--from ${from}: the vault copy is ${e.state}${e.cause ? ` (${e.cause})` : ''}; only completed copies restore`,
    ]);
  return e;
}

/** RDS and Aurora identifiers: a letter, then letters, digits and single hyphens, at most 63, no trailing hyphen. */
const DB_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/;

/**
 * The restored DB, cluster or volume name: given, or deterministic from the copy, so a re-run finds it. Names of
 * the drill (`airgap-drill-…`, which the operator may delete in the restore account) are the drill's own restores'.
 */
export function restoreTargetName(entry: CatalogEntry, to: string | undefined, drill?: string): string {
  const name = to ?? `airgap-restore-${entry.id.slice(0, 16)}`;
  if (name.startsWith(DRILL_NAME_PREFIX) && !isDrillsOwn(name, drill))
    throw new InputError([
      `--to ${name}: ${DRILL_NAME_PREFIX}… names are the drill's own, which its clean-up deletes; choose another name`,
    ]);
  if (entry.service !== 'ebs' && !DB_NAME.test(name))
    throw new InputError([
      `--to ${name}: not a DB identifier; allowed: a letter, then letters, digits and single hyphens, at most 63 characters, not ending in a hyphen`,
    ]);
  return name;
}

/** The deterministic id of the restore account's own copy (EBS finds it by its source-ARN tag). */
export const restoreCopyId = (entry: CatalogEntry) => `airgap-restore-${entry.id}`;

export type RestoreStep = 'share' | 'grant' | 'copy' | 'restore';

/** What a restore finds already done; the plan is the steps still to do. */
export interface RestoreProgress {
  shared: boolean;
  granted: boolean;
  copy: 'none' | 'pending' | 'available';
  restored: boolean;
}

export function stepsToDo(p: RestoreProgress): RestoreStep[] {
  const steps: RestoreStep[] = [];
  if (p.restored) return steps;
  if (p.copy === 'none') {
    if (!p.shared) steps.push('share');
    if (!p.granted) steps.push('grant');
  }
  if (p.copy !== 'available') steps.push('copy');
  steps.push('restore');
  return steps;
}
