import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes to a stream and, when its buffer is full, waits for it to drain: a pipe to a stalled reader (`| sleep`)
 * stalls the writers instead of buffering their output in memory without bound (Node buffers a pipe's writes
 * rather than blocking). Concurrent writers share one wait, so each holds at most one piece of text in the buffer.
 */
export function drainingWriter(out: Writable = process.stdout): (text: string) => Promise<void> {
  let drained: Promise<void> | undefined;
  return async (text) => {
    if (out.write(text)) return;
    drained ??= once(out, 'drain').then(() => {
      drained = undefined;
    });
    await drained;
  };
}

/**
 * Prints a report as `JSON.stringify(report, null, 2)` would, its `items` list first and each item written as
 * it arrives, so a report of millions of items is never held in memory. Nothing is printed before the first
 * item, so a command refused before any work prints only its error. Each write waits while the output is full.
 */
export function streamedJsonReport<T>(write: (text: string) => Promise<void> = drainingWriter()): {
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
