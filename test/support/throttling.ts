import { vi } from 'vitest';

/**
 * Runs `work` with setTimeout faked, firing each timer once set, until `work` settles: for a command whose retries
 * cannot be given a no-sleep `retry` option (the CLI), their backoff (seconds of jittered sleeps) costs no time.
 * Nothing else on the S3 backfill's and restore's paths sets a timer.
 */
export async function withoutBackoff<T>(work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  try {
    let settled = false;
    const running = work().finally(() => (settled = true));
    while (!settled) {
      await vi.runAllTimersAsync();
      await new Promise((r) => setImmediate(r));
    }
    return await running;
  } finally {
    vi.useRealTimers();
  }
}
