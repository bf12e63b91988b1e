import { protectedFileSystems, type Config, type ProtectedFileSystem } from '../../config/index.js';
import { InputError } from '../../errors.js';
import { usable, type RecoveryPoint } from '../backup/recovery-points.js';

/** Which protected file system `--from` names: its id (fs-...) or its ARN. Pure; a miss is one line of bad input. */
export function resolveFileSystem(config: Config, from: string): ProtectedFileSystem {
  const all = protectedFileSystems(config);
  const found = all.find((fs) => fs.arn === from || fs.id === from);
  if (!found)
    throw new InputError([
      `--from ${from}: not an EFS file system the vault path protects; give one of ${all.map((fs) => fs.id).join(', ') || '(none: protect.efs is empty)'}`,
    ]);
  return found;
}

/**
 * The recovery point of the replica to restore: the newest usable one taken at or before `at` (a ransomed
 * source replicates its damage into the replica within minutes, so the point before the attack is the one to
 * restore, never the replica itself). Pure.
 */
export function pickRecoveryPoint(
  points: readonly RecoveryPoint[],
  at: Date | undefined,
  from: string,
): RecoveryPoint {
  const candidates = points
    .filter((p) => usable(p) && (!at || p.createdAt <= at))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const newest = candidates[0];
  if (newest) return newest;
  const oldest = points
    .filter(usable)
    .map((p) => p.createdAt.toISOString())
    .sort()[0];
  throw new InputError([
    at && oldest
      ? `--at ${at.toISOString()}: ${from} has no completed recovery point taken at or before it (oldest: ${oldest})`
      : `--from ${from}: its vault replica has no completed recovery point yet; \`airgap snapshots status\` shows its replication`,
  ]);
}

/** The two steps: copy the recovery point into the restore account's vault, restore a new file system from it. */
export type EfsRestoreStep = 'copy' | 'restore';

/** What a run finds already done, from the copy and restore jobs an earlier run started. */
export interface EfsRestoreProgress {
  copy: 'none' | 'running' | 'done';
  restore: 'none' | 'running' | 'done';
}

export function efsStepsToDo(p: EfsRestoreProgress): EfsRestoreStep[] {
  if (p.restore !== 'none') return p.restore === 'done' ? [] : ['restore'];
  return p.copy === 'done' ? ['restore'] : ['copy', 'restore'];
}
