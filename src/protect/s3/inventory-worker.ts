import { parentPort, workerData } from 'node:worker_threads';
import type { InventoryColumns } from './inventory-batch.js';
import { inventoryBatches } from './inventory-merge.js';

/**
 * Worker thread of `inventoryBatchStream`: parses one side's data files and posts the batches, their buffers
 * transferred. It runs at most AHEAD batches ahead of the diff (one "more" from the diff per batch taken), so
 * memory stays flat however fast it parses; `null` says the files are done.
 */
const AHEAD = 4;
const port = parentPort!;
const { columns, files } = workerData as { columns: InventoryColumns; files: string[] };
let credit = AHEAD;
let resume: (() => void) | undefined;
port.on('message', () => {
  credit++;
  resume?.();
});
for await (const batch of inventoryBatches(columns, files)) {
  while (credit === 0) await new Promise<void>((r) => (resume = r));
  credit--;
  const { bytes, ends, numbers, hashes, flags } = batch;
  port.postMessage(batch, [bytes.buffer, ends.buffer, numbers.buffer, hashes.buffer, flags.buffer]);
}
port.postMessage(null);
