import { isWorkloadKey } from './canary.js';
import { byKey, zipByKey, type Pages } from './key-merge.js';
import type { Version } from './versions.js';

export interface RestoreItem {
  key: string;
  versionId: string;
  size: number;
  etag?: string | undefined;
  checksumAlgorithm?: string | undefined;
}

/** What a restore target holds under a key: its current version's size and ETag. */
export interface HeldObject {
  size: number;
  etag: string | undefined;
}

/**
 * One key of a restore: the vault version the state at T has there (none: the key is not part of it, so a
 * target holding it holds a foreign key) and what the target holds there now (none: nothing or a delete marker).
 */
export interface RestoreStep {
  key: string;
  item: RestoreItem | undefined;
  held: HeldObject | undefined;
}

/**
 * The state of one key at `at`: its newest version written at or before `at`, unless that newest entry is a
 * delete marker (the key was deleted by then and stays absent). Air Gap Recover's own objects (the status
 * canary) are not workload and are never restored.
 */
function itemAt(key: string, history: readonly Version[], at: Date): RestoreItem | undefined {
  if (!isWorkloadKey(key)) return undefined;
  let asOf: Version | undefined;
  for (const v of history)
    if (v.lastModified.getTime() <= at.getTime() && (!asOf || v.lastModified > asOf.lastModified)) asOf = v;
  if (!asOf || asOf.deleteMarker) return undefined;
  return {
    key,
    versionId: asOf.versionId,
    size: asOf.size,
    etag: asOf.etag,
    checksumAlgorithm: asOf.checksumAlgorithm,
  };
}

/** The state of a bucket at `at`, key by key (see `itemAt`). Pure and streaming. */
export async function* selectAt(versions: Pages<Version>, at: Date): AsyncGenerator<RestoreItem> {
  for await (const [key, history] of byKey(versions)) {
    const item = itemAt(key, history, at);
    if (item) yield item;
  }
}

/**
 * The vault's state at `at` merge-joined with a target's current objects, both key-ordered listings, in
 * batches: only a page of each side and a batch are in memory, whatever the size of either bucket. Pure.
 */
export async function* restoreSteps(
  vault: Pages<Version>,
  target: Pages<Version>,
  at: Date,
): AsyncGenerator<RestoreStep[]> {
  for await (const batch of zipByKey(vault, target)) {
    const steps: RestoreStep[] = [];
    for (const { key, left, right } of batch) {
      const item = left.length > 0 ? itemAt(key, left, at) : undefined;
      // A target's history is listed newest first: only its current entry counts.
      const current = right[0];
      const held = current && !current.deleteMarker ? { size: current.size, etag: current.etag } : undefined;
      if (item || held) steps.push({ key, item, held });
    }
    if (steps.length > 0) yield steps;
  }
}
