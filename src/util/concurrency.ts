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
