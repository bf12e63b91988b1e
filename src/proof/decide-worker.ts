import { parentPort, workerData } from 'node:worker_threads';
import { decideHere, type Share } from './decide.js';

// One share of a proof's matrix (src/proof/decide.ts), decided with this thread's own policy memo.
void decideHere(workerData as Share).then((decisions) => parentPort!.postMessage(decisions));
