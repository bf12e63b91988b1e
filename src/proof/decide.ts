import { availableParallelism } from 'node:os';
import type { Attack } from './attacks.js';
import { authorize, type Decision } from './evaluate.js';
import type { ProofModel } from './model.js';
import { PolicyMemo } from './policy-memo.js';
import { startModuleWorker } from '../util/module-worker.js';
import type { Principal } from './principals.js';

export type Mode = 'Discovery' | 'Strict';
export type Pair = [Principal, Attack];
/** A number of threads, or one per core when the matrix is large enough to pay for a worker (threadsFor). */
export type Threads = number | 'per-core';

/** What a worker is given: the model and its share of the matrix, in one message (shared policies stay shared). */
export interface Share {
  model: ProofModel;
  pairs: Pair[];
  mode: Mode;
}

/**
 * Below this many calls per thread, starting a worker (loading iam-simulate and its data again, a second or two
 * of CPU) costs more than it saves.
 */
const PAIRS_PER_THREAD = 1500;

/**
 * Decides every principal x attack pair, in order. A proof is thousands of independent simulations, so a large
 * matrix can be split over threads (this one and workers): `airgap prove` asks for one per core; other callers
 * (tests, whose runner's workers already keep the cores busy) keep the default, this thread only. Either way each
 * pair is decided by `authorize`.
 */
export async function decideAll(
  model: ProofModel,
  pairs: Pair[],
  mode: Mode,
  memo: PolicyMemo,
  asked: Threads = 1,
): Promise<Decision[]> {
  const threads = asked === 'per-core' ? threadsFor(pairs.length) : asked;
  if (threads <= 1) return decideHere({ model, pairs, mode }, memo);
  // Interleaved, not in blocks: the administrators' calls cost ten times the service roles', and come first.
  const shares = Array.from({ length: threads }, (_, k) => pairs.filter((_, i) => i % threads === k));
  // Workers first, then this thread takes the first share itself: a worker loads iam-simulate and its data anew.
  const elsewhere = shares.slice(1).map((share) => inWorker({ model, pairs: share, mode }));
  const results = await Promise.all([decideHere({ model, pairs: shares[0]!, mode }, memo), ...elsewhere]);
  return pairs.map((_, i) => results[i % threads]![Math.floor(i / threads)]!);
}

export async function decideHere(share: Share, memo = new PolicyMemo()): Promise<Decision[]> {
  const out: Decision[] = [];
  for (const [principal, attack] of share.pairs)
    out.push(await authorize(share.model, principal, attack, share.mode, memo));
  return out;
}

/** One thread per core, each with at least PAIRS_PER_THREAD calls. */
export function threadsFor(pairs: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(pairs / PAIRS_PER_THREAD)));
}

function inWorker(share: Share): Promise<Decision[]> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(import.meta.url, './decide-worker', share);
    worker.once('message', (decisions: Decision[]) => resolve(decisions));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a proof worker exited with code ${code}`));
    });
  });
}
