import { isWorkloadKey } from './canary.js';
import { byKey, type Pages } from './key-merge.js';
import type { Version } from './versions.js';

export interface RestoreItem {
  key: string;
  versionId: string;
  size: number;
  etag?: string | undefined;
  checksumAlgorithm?: string | undefined;
}

/**
 * The state of a bucket at `at`: for each key the newest version written at or before `at`, unless that
 * newest entry is a delete marker (the key was deleted by then and stays absent). Air Gap Recover's own
 * objects (the status canary) are not workload and are never restored. Pure and streaming.
 */
export async function* selectAt(versions: Pages<Version>, at: Date): AsyncGenerator<RestoreItem> {
  for await (const [key, history] of byKey(versions)) {
    if (!isWorkloadKey(key)) continue;
    const asOf = history
      .filter((v) => v.lastModified.getTime() <= at.getTime())
      .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())[0];
    if (asOf && !asOf.deleteMarker)
      yield {
        key,
        versionId: asOf.versionId,
        size: asOf.size,
        etag: asOf.etag,
        checksumAlgorithm: asOf.checksumAlgorithm,
      };
  }
}
