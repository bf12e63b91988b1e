import { Interrupted } from '../errors.js';
import { drainingWriter } from './streamed-report.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What a long command is given to stop cleanly when stopped from outside. */
export interface Stop {
  /**
   * Aborted, with an `Interrupted` as its reason, by the first Ctrl-C (SIGINT) or SIGTERM, or once stdout's reader
   * has gone (EPIPE).
   */
  signal: AbortSignal;
  /** stdout, through `drainingWriter`: once its reader has gone it drops what it is given and aborts `signal`. */
  write: (text: string) => Promise<void>;
}

/**
 * Runs a long command (`restore s3`, `s3 backfill`) so that a stop from outside ends it like any other stop: the
 * command takes no new work once `signal` is aborted, lets the work in flight settle, closes its report and throws
 * the `Interrupted` (exit 128 + the signal's number: 130 for Ctrl-C, 143 for SIGTERM). The first signal removes the
 * listeners, so a second one finds none and Node's default handling ends the process at once: a copy that hangs
 * never holds the operator hostage.
 */
export async function interruptible<T>(work: (stop: Stop) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const listeners = STOP_SIGNALS.map((signal) => ({
    signal,
    listener: () => {
      stopListening();
      console.error(`${signal}: stopping once the work in flight has settled (again to stop at once)`);
      abort.abort(new Interrupted(signal));
    },
  }));
  const stopListening = () => listeners.forEach((l) => process.off(l.signal, l.listener));
  listeners.forEach((l) => process.on(l.signal, l.listener));
  try {
    return await work({
      signal: abort.signal,
      write: drainingWriter(process.stdout, () => abort.abort(new Interrupted('SIGPIPE'))),
    });
  } finally {
    stopListening();
  }
}
