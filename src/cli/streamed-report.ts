import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Each stream's failure (a pipe whose reader has gone), as its 'error' event said: unhandled, it ends the process. */
const failures = new WeakMap<Writable, Error>();
function recordFailure(this: Writable, error: Error): void {
  failures.set(this, error);
}

/**
 * Writes to a stream and, when its buffer is full, waits for it to drain: a pipe to a stalled reader (`| sleep`)
 * stalls the writers instead of buffering their output in memory without bound (Node buffers a pipe's writes
 * rather than blocking). Concurrent writers share one wait, so each holds at most one piece of text in the buffer.
 * Once the stream has failed (its reader closed the pipe: `| head` gives EPIPE) each write calls `onClosed` and
 * drops its text, there being no one left to read it: the command stops as it would for any other stop.
 */
export function drainingWriter(
  out: Writable,
  onClosed: (error: Error) => void,
): (text: string) => Promise<void> {
  // process.stdout clears its error state after each failed write: only the 'error' events say the reader has gone.
  if (!out.listeners('error').includes(recordFailure)) out.on('error', recordFailure);
  let drained: Promise<void> | undefined;
  const closed = () => {
    const error = failures.get(out);
    if (error) onClosed(error);
    return error !== undefined;
  };
  return async (text) => {
    if (closed() || out.write(text)) return;
    const done = () => {
      drained = undefined;
    };
    // A stream that fails while full never drains: `once` rejects with its error, and the check below sees it.
    drained ??= once(out, 'drain').then(done, done);
    await drained;
    closed();
  };
}

/**
 * Prints a report as `JSON.stringify(report, null, 2)` would, its `items` list first and each item written as
 * it arrives, so a report of millions of items is never held in memory. Nothing is printed before the first
 * item, so a command refused before any work prints only its error. Each write waits while the output is full.
 */
export function streamedJsonReport<T>(write: (text: string) => Promise<void>): {
  item: (item: T) => Promise<void>;
  end: (report: object) => Promise<void>;
} {
  let opened = false;
  return {
    item(item) {
      const text = JSON.stringify(item, null, 2).replace(/^/gm, '    ');
      const opening = opened ? ',' : '{\n  "items": [';
      opened = true;
      return write(`${opening}\n${text}`);
    },
    end(report) {
      return write(`${opened ? '\n  ],' : '{\n  "items": [],'}${JSON.stringify(report, null, 2).slice(1)}\n`);
    },
  };
}
