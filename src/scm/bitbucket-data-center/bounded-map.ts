/**
 * Maps every item of `items` through `map`, with at most `limit` calls running at once, and yields the results
 * in the order of `items`. Items are pulled only as slots free up, so a consumer that stops early stops the
 * source too. The first failure (in item order) is thrown.
 */
export async function* mapBounded<T, R>(
  items: AsyncIterable<T>,
  limit: number,
  map: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a positive integer');
  const running: Promise<R>[] = [];
  for await (const item of items) {
    const result = map(item);
    // Observed here so that a failure behind the one being awaited is not reported as unhandled.
    result.catch(() => undefined);
    running.push(result);
    if (running.length >= limit) yield await running.shift()!;
  }
  while (running.length > 0) yield await running.shift()!;
}
