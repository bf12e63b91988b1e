import { Interrupted } from '../errors.js';
import { drainingWriter } from './streamed-report.js';

/** What a long command is given to stop cleanly when stopped from outside. */
export interface Stop {
  /** Aborted, with an `Interrupted` as its reason, once stdout's reader has gone (EPIPE). */
  signal: AbortSignal;
  /** stdout, through `drainingWriter`: once its reader has gone it drops what it is given and aborts `signal`. */
  write: (text: string) => Promise<void>;
}

/**
 * Runs a long command so that a stop from outside ends it like any other stop: the command takes no new work once
 * `signal` is aborted, lets the work in flight settle, closes its report and throws an `Interrupted` (one line on
 * stderr, exit 128 + the signal's number).
 */
export async function interruptible<T>(work: (stop: Stop) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  return work({
    signal: abort.signal,
    write: drainingWriter(process.stdout, () => abort.abort(new Interrupted('SIGPIPE'))),
  });
}
