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
});
