import { parentPort } from 'node:worker_threads';
import { chunks, type Decided, type Share } from './decide.js';
import { PolicyMemo } from './policy-memo.js';

// Decides chunks of a proof's matrix (src/proof/decide.ts) with this thread's own policy memo until none is left.
parentPort!.once('message', async (share: Share) => {
  const memo = new PolicyMemo();
  for await (const decided of chunks(share, memo)) parentPort!.postMessage(decided satisfies Decided);
  parentPort!.postMessage('done' satisfies Decided);
});
