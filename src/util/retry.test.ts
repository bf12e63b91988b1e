import { describe, expect, it } from 'vitest';
import { isThrottling, retryThrottled } from './retry.js';

const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' });
const noSleep = async () => undefined;

describe('retryThrottled', () => {
  it('threat #15: retries 503 SlowDown with backoff and returns the eventual result', async () => {
    let calls = 0;
    const delays: number[] = [];
    const out = await retryThrottled(
      async () => {
        if (++calls < 3) throw slowDown();
        return 'done';
      },
      { sleep: async (ms) => void delays.push(ms), baseMs: 100 },
    );
    expect(out).toBe('done');
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]!).toBeLessThanOrEqual(200);
  });

  it('threat #15: gives up after the bounded attempts and rethrows the throttling error', async () => {
    let calls = 0;
    await expect(
      retryThrottled(
        async () => {
          calls++;
          throw slowDown();
        },
        { attempts: 4, sleep: noSleep },
      ),
    ).rejects.toThrow('reduce your request rate');
    expect(calls).toBe(4);
  });

  it('does not retry errors other than throttling', async () => {
    let calls = 0;
    await expect(
      retryThrottled(
        async () => {
          calls++;
          throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
        },
        { sleep: noSleep },
      ),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });

  it('treats an HTTP 503 without a named error as throttling', () => {
    expect(isThrottling(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 403 } }))).toBe(false);
  });
});
