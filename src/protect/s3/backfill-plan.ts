import { zipByKey, type Pages } from './key-merge.js';
import type { SourceVersion, VaultVersion } from './verify-check.js';

export interface BackfillItem {
  key: string;
  versionId: string;
  size: number;
}

/**
 * The source versions the vault lacks: a version is there when a vault copy records its version id (backfill's
 * metadata, or the id S3 replication keeps). Delete markers are not backfilled: a marker protects nothing.
 * Pure and streaming; a re-run after a crash recomputes the same plan minus what was copied (the vault is the
 * checkpoint), so nothing is copied twice.
 */
export async function* planBackfill(
  source: Pages<SourceVersion>,
  vault: Pages<VaultVersion>,
): AsyncGenerator<BackfillItem> {
  for await (const batch of zipByKey(source, vault)) {
    for (const { key, left, right } of batch) {
      if (left.length === 0) continue;
      const copied = new Set(right.filter((v) => !v.deleteMarker).map((v) => v.sourceVersionId));
      // Oldest first, so the vault's history keeps the source's order.
      for (const v of [...left].reverse()) {
        if (!v.deleteMarker && !copied.has(v.versionId)) yield { key, versionId: v.versionId, size: v.size };
      }
    }
  }
}
