import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Attack } from './attacks.js';
import { authorize, type Decision, type EvaluationModel } from './evaluate.js';
import { PolicyMemo } from './policy-memo.js';
import { startModuleWorker } from '../util/module-worker.js';
import type { Principal } from './principals.js';

export type Mode = 'Discovery' | 'Strict';
export type Pair = [Principal, Attack];
/** A number of threads, or one per core when the matrix is large enough to pay for a worker (threadsFor). */
export type Threads = number | 'per-core';

/** What every thread is given: what evaluation reads of the model, and the whole matrix (shared policies stay shared). */
export interface Share {
  model: EvaluationModel;
  pairs: Pair[];
  mode: Mode;
  /** The index of the next chunk's first pair (an Int32 shared by every thread: each takes chunks from it). */
  next: SharedArrayBuffer;
}

/** What a worker posts: a chunk's first index and decisions, then `done` once no chunk is left. */
export type Decided = [from: number, decisions: Decision[]] | 'done';

/**
 * Below this many calls per thread, starting a worker (loading iam-simulate and its data again, a second or two
 * of CPU) costs more than it saves.
 */
const PAIRS_PER_THREAD = 1500;
/** Calls per chunk a thread takes: ~0.1 s of work, so threads finish within about that of each other. */
const CHUNK = 200;

/**
 * Decides a proof's matrix, a principal x attack pair at a time, on this thread or spread over threads: a proof is
 * thousands of independent simulations. `airgap prove` asks for one thread per core; other callers (tests, whose
 * runner's workers already keep the cores busy) keep the default, this thread only. Workers start when this is
 * made, before the matrix is known, so that loading iam-simulate again overlaps building it; each thread then takes
 * chunks of the matrix from a shared counter until none is left (administrators' calls cost ten times the service
 * roles', and a worker may start late or share its core). Either way each pair is decided by `authorize`. `close` stops the workers.
 */
export class Deciders {
  private readonly workers: Worker[];
  /** Workers stopped unused, once the first matrix showed they would not pay for themselves. */
  private stopping: Promise<unknown> | undefined;

  constructor(asked: Threads = 1) {
    const threads = asked === 'per-core' ? availableParallelism() : asked;
    this.workers = Array.from({ length: Math.max(0, threads - 1) }, () =>
      startModuleWorker(import.meta.url, './decide-worker', undefined),
    );
  }

  /**
   * Every pair's decision, in order. The workers are handed the pairs before this returns, so a caller may go on
   * with work of its own (the proof groups accounts while they decide what needs no grouping) and this thread joins
   * once the caller awaits. On the first call, workers beyond what its matrix pays for (threadsFor) are stopped unused.
   */
  decide(work: Omit<Share, 'next'>, memo: PolicyMemo): Promise<Decision[]> {
    this.stopping ??= Promise.all(
      this.workers
        .splice(Math.min(this.workers.length, threadsFor(work.pairs.length) - 1))
        .map((w) => w.terminate()),
    );
    const share: Share = { ...work, next: new SharedArrayBuffer(4) };
    const out = new Array<Decision>(share.pairs.length);
    const elsewhere = this.workers.map((worker) => inWorker(worker, share, out));
    const here = (async () => {
      for await (const [from, decisions] of chunks(share, memo))
        decisions.forEach((d, i) => (out[from + i] = d));
    })();
    return Promise.all([here, ...elsewhere]).then(() => out);
  }

  async close(): Promise<void> {
    await Promise.all([this.stopping, ...this.workers.splice(0).map((w) => w.terminate())]);
  }
}

/** One thread per core, each with at least PAIRS_PER_THREAD calls. */
export function threadsFor(pairs: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(pairs / PAIRS_PER_THREAD)));
}

/** The chunks this thread takes from the share, until none is left, each with its first index and decisions. */
export async function* chunks(share: Share, memo: PolicyMemo): AsyncGenerator<[number, Decision[]]> {
  const next = new Int32Array(share.next);
  for (
    let from = Atomics.add(next, 0, CHUNK);
    from < share.pairs.length;
    from = Atomics.add(next, 0, CHUNK)
  ) {
    const decisions: Decision[] = [];
    for (const [principal, attack] of share.pairs.slice(from, from + CHUNK))
      decisions.push(await authorize(share.model, principal, attack, share.mode, memo));
    yield [from, decisions];
  }
}

/** Hands a worker the share and gathers the chunks it decides. */
function inWorker(worker: Worker, share: Share, out: Decision[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const exited = (code: number) => settle(new Error(`a proof worker exited with code ${code}`));
    const decided = (message: Decided) => {
      if (message !== 'done') message[1].forEach((d, i) => (out[message[0] + i] = d));
      else settle();
    };
    // Only this share's listeners go: a worker decides the proof's next share too, and Node keeps listeners of
    // its own on it (removeAllListeners would take them, and the next share's messages would never arrive).
    const settle = (error?: Error) => {
      worker.off('message', decided).off('error', settle).off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    worker.on('message', decided).on('error', settle).on('exit', exited);
    worker.postMessage(share);
  });
}
