/** Wall time of `fn`, best of `runs` (noisy shared machines: the minimum is the least disturbed run). */
export async function timeIt<T>(fn: () => Promise<T> | T, runs = 1): Promise<{ seconds: number; value: T }> {
  let best = Infinity;
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, value: value as T };
}

export const fmt = (n: number) => n.toFixed(2);
