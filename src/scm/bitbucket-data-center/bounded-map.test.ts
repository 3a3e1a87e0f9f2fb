import { describe, expect, it } from 'vitest';
import { mapBounded } from './bounded-map.js';

/** A source that records how many items were pulled from it. */
function source(count: number) {
  const pulled = { count: 0 };
  async function* items() {
    for (let i = 0; i < count; i++) {
      pulled.count += 1;
      yield i;
    }
  }
  return { items: items(), pulled };
}

/** A promise with its resolve and reject. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('mapBounded', () => {
  it('yields results in item order however the calls finish', async () => {
    const { items } = source(6);
    const finished: number[] = [];
    const results: number[] = [];
    // Later items wait fewer turns, so they finish first.
    for await (const value of mapBounded(items, 6, async (i) => {
      for (let turn = 0; turn < 6 - i; turn++) await new Promise((resolve) => setImmediate(resolve));
      finished.push(i);
      return i * 10;
    }))
      results.push(value);
    expect(finished).toEqual([5, 4, 3, 2, 1, 0]);
    expect(results).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('never runs more than `limit` calls at once', async () => {
    let running = 0;
    let most = 0;
    const { items } = source(20);
    const all: number[] = [];
    for await (const value of mapBounded(items, 4, async (i) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return i;
    }))
      all.push(value);
    expect(all).toHaveLength(20);
    expect(most).toBe(4);
  });

  it('stops pulling items when the consumer stops', async () => {
    const { items, pulled } = source(100);
    for await (const _value of mapBounded(items, 4, async (i) => i)) break;
    expect(pulled.count).toBe(4);
  });

  it('throws the first failure in item order, and a later one is not left unhandled', async () => {
    const { items } = source(3);
    const gate = deferred<undefined>();
    const mapped = mapBounded(items, 3, async (i) => {
      if (i === 2) throw new Error('third');
      await gate.promise;
      if (i === 1) throw new Error('second');
      return i;
    });
    const first = mapped.next();
    // The third call has failed by now, before anything awaited it.
    await new Promise((resolve) => setImmediate(resolve));
    gate.resolve(undefined);
    expect(await first).toEqual({ done: false, value: 0 });
    await expect(mapped.next()).rejects.toThrow('second');
  });

  it('refuses a limit below one', async () => {
    const { items } = source(1);
    await expect(mapBounded(items, 0, async (i) => i).next()).rejects.toThrow(/positive/);
  });
});
