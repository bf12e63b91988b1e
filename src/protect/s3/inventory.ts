import { on } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../../errors.js';
import { startModuleWorker } from '../../util/module-worker.js';
import {
  inventoryColumns,
  versionsOf,
  type InventoryBatch,
  type InventoryColumns,
} from './inventory-batch.js';
import { inventoryBatches } from './inventory-merge.js';
import type { VaultVersion } from './verify-check.js';

/**
 * S3 Inventory (CSV) as a version stream, for buckets too large to list: the manifest names the schema and
 * the data files (merged by key, in whatever order their key ranges fall); rows are read one at a time, so memory
 * does not grow with the inventory.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-location.html
 */
interface Manifest {
  sourceBucket?: string;
  fileFormat?: string;
  fileSchema?: string;
  files?: { key: string }[];
}

const REQUIRED = ['Key', 'VersionId', 'IsDeleteMarker', 'Size', 'LastModifiedDate'] as const;

export function readManifest(path: string): { sourceBucket: string; columns: string[]; files: string[] } {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new InputError([`${path}: not a readable S3 Inventory manifest.json (${(e as Error).message})`]);
  }
  if (manifest.fileFormat !== 'CSV') {
    throw new InputError([`${path}: fileFormat ${JSON.stringify(manifest.fileFormat)}; allowed: CSV`]);
  }
  const columns = (manifest.fileSchema ?? '').split(',').map((c) => c.trim());
  const absent = REQUIRED.filter((c) => !columns.includes(c));
  if (absent.length > 0) {
    throw new InputError([
      `${path}: fileSchema lacks ${absent.join(', ')}; enable versioned inventory with Size and LastModifiedDate`,
    ]);
  }
  const files = (manifest.files ?? []).map((f) => locate(path, f.key));
  return { sourceBucket: manifest.sourceBucket ?? '', columns, files };
}

/** A data file next to the manifest, or in the `data/` folder a synced inventory prefix has beside it. */
function locate(manifestPath: string, key: string): string {
  const dir = dirname(manifestPath);
  const name = basename(key);
  const candidates = [join(dir, name), join(dir, 'data', name), join(dir, '..', 'data', name)];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new InputError([`${manifestPath}: data file ${name} not found beside the manifest or in data/`]);
  return found;
}

/**
 * The rows of an inventory in columnar batches. With `thread`, the files are parsed in a worker thread (parsing
 * is most of a large diff's work, and a diff reads two inventories: each in its own thread, they use two cores);
 * otherwise in this thread. Both paths parse with the same code into the same batches.
 */
export function inventoryBatchStream(
  manifestPath: string,
  opts: { thread?: boolean } = {},
): AsyncIterable<InventoryBatch> {
  const manifest = readManifest(manifestPath);
  const columns = inventoryColumns(manifest.columns);
  return opts.thread ? batchesFromWorker(columns, manifest.files) : inventoryBatches(columns, manifest.files);
}

/** Every row of an inventory as a vault-side version (the source side uses the same fields), page by page. */
export async function* inventoryVersions(
  manifestPath: string,
  opts: { thread?: boolean } = {},
): AsyncGenerator<VaultVersion[]> {
  for await (const batch of inventoryBatchStream(manifestPath, opts)) yield versionsOf(batch);
}

async function* batchesFromWorker(
  columns: InventoryColumns,
  files: string[],
): AsyncGenerator<InventoryBatch> {
  const worker = startModuleWorker(import.meta.url, './inventory-worker', { columns, files });
  const messages = on(worker, 'message');
  try {
    for await (const [batch] of messages as AsyncIterable<[InventoryBatch | null]>) {
      if (batch === null) return;
      worker.postMessage('more');
      yield batch;
    }
  } finally {
    await worker.terminate();
  }
}
