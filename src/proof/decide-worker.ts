import { parentPort } from 'node:worker_threads';
import { chunks, type Decided, type Share } from './decide.js';
import { PolicyMemo } from './policy-memo.js';

// Decides chunks of each share of a proof's matrix (src/proof/decide.ts) until none is left, with a policy memo of
// the share's own (each share is a copy of the model).
parentPort!.on('message', async (share: Share) => {
  const memo = new PolicyMemo();
  for await (const decided of chunks(share, memo)) parentPort!.postMessage(decided satisfies Decided);
  parentPort!.postMessage('done' satisfies Decided);
});
