/** Runs `fn` over `items` with at most `limit` calls in flight; resolves when all have settled. */
export async function mapBounded<T>(
  items: readonly T[] | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : undefined;
  let next = 0;
  const take = async (): Promise<IteratorResult<T>> => {
    if (iterator) return iterator.next();
    const list = items as readonly T[];
    return next < list.length ? { done: false, value: list[next++]! } : { done: true, value: undefined };
  };
  const worker = async (): Promise<void> => {
    for (let item = await take(); !item.done; item = await take()) await fn(item.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

/**
 * Maps an async stream with up to `limit` calls in flight and yields the results in input order, so a
 * sorted stream stays sorted while its per-item lookups (HeadObject) run concurrently. Memory is bounded
 * by `limit` items, whatever the stream's length.
 */
export async function* mapOrdered<T, R>(
  items: AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  for await (const item of items) {
    window.push(fn(item));
    // Attach a handler now so a rejection that waits its turn in the window is not reported as unhandled.
    window[window.length - 1]!.catch(() => undefined);
    if (window.length >= limit) yield await window.shift()!;
  }
  while (window.length > 0) yield await window.shift()!;
}
