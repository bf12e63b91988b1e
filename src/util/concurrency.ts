/**
 * Runs `fn` over `items` with at most `limit` calls in flight; settles when all have settled. A call that throws
 * stops the others from taking more items, and once the ones in flight have finished the first error rejects: a
 * restore whose report sink broke, for one, does not go on copying a whole bucket behind a failed command, and
 * what it reports after the error is everything it did.
 */
export async function mapBounded<T>(
  items: readonly T[] | AsyncIterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : undefined;
  let next = 0;
  let stopped: { error: unknown } | undefined;
  const take = async (): Promise<IteratorResult<T>> => {
    if (stopped) return { done: true, value: undefined };
    if (iterator) return iterator.next();
    const list = items as readonly T[];
    return next < list.length ? { done: false, value: list[next++]! } : { done: true, value: undefined };
  };
  const worker = async (): Promise<void> => {
    try {
      for (let item = await take(); !item.done; item = await take()) await fn(item.value);
    } catch (error) {
      stopped ??= { error };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (stopped) throw stopped.error;
}
