import { describe, expect, it } from 'vitest';
import { mapBounded } from './concurrency.js';

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight, over an array or an async stream', async () => {
    async function* stream() {
      for (let i = 0; i < 20; i++) yield i;
    }
    for (const items of [Array.from({ length: 20 }, (_, i) => i), stream()]) {
      let inFlight = 0;
      let most = 0;
      const seen: number[] = [];
      await mapBounded(items, 3, async (i) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        inFlight--;
      });
      expect(most).toBe(3);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  });

  it('stops taking items once a call has thrown, and rejects with its error', async () => {
    const started: number[] = [];
    const run = mapBounded(
      Array.from({ length: 100 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        await new Promise((r) => setImmediate(r));
        if (i === 5) throw new Error('sink closed');
      },
    );
    await expect(run).rejects.toThrow('sink closed');
    await new Promise((r) => setTimeout(r, 50));
    expect(started.length).toBeLessThan(12);
  });

  it('rejects only once the calls in flight have finished: nothing runs on behind the error', async () => {
    const finished: number[] = [];
    let rejected = false;
    const run = mapBounded([0, 1, 2, 3], 4, async (i) => {
      if (i === 0) throw new Error('listing failed');
      await new Promise((r) => setTimeout(r, 20));
      finished.push(i);
    });
    await expect(
      run.catch((e: unknown) => {
        rejected = true;
        expect(finished.sort()).toEqual([1, 2, 3]);
        throw e;
      }),
    ).rejects.toThrow('listing failed');
    expect(rejected).toBe(true);
  });
});
