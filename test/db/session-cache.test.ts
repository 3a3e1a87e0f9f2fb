import { describe, expect, it } from 'vitest';
import { createSessionCache } from '../../src/db/session-cache.js';

describe('session cache', () => {
  const setUp = () => {
    const state = { generation: 0, now: 1_000_000, reads: 0, answer: 'alice' as string | undefined };
    const cache = createSessionCache<string>(
      () => state.generation,
      () => state.now,
    );
    const get = (key = 'k', now = '2026-01-01T00:00:00.000Z', expiresAt = '2026-01-02T00:00:00.000Z') =>
      cache.get(key, now, async () => {
        state.reads++;
        return state.answer === undefined ? undefined : { value: state.answer, expiresAt };
      });
    return { state, get };
  };

  it('answers again from memory while nothing was written', async () => {
    const { state, get } = setUp();
    expect(await get()).toBe('alice');
    state.answer = 'changed without a write';
    expect(await get()).toBe('alice');
    expect(state.reads).toBe(1);
    expect(await get('other key')).toBe('changed without a write');
    expect(state.reads).toBe(2);
  });

  it('reads again after any write by this process', async () => {
    const { state, get } = setUp();
    await get();
    state.generation++;
    state.answer = undefined;
    expect(await get()).toBeUndefined();
    state.answer = 'back';
    expect(await get()).toBe('back');
    expect(state.reads).toBe(3);
  });

  it('keeps an answer no longer than a second, for writes by other processes', async () => {
    const { state, get } = setUp();
    await get();
    state.now += 999;
    await get();
    expect(state.reads).toBe(1);
    state.now += 1;
    await get();
    expect(state.reads).toBe(2);
  });

  it('never answers for a session past its own expiry', async () => {
    const { state, get } = setUp();
    await get('k', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
    await get('k', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z');
    expect(state.reads).toBe(2);
  });

  it('does not keep misses, so unknown cookies are looked up every time and fill nothing', async () => {
    const { state, get } = setUp();
    state.answer = undefined;
    await get();
    await get();
    expect(state.reads).toBe(2);
  });

  it('treats an entry read while a write landed as stale', async () => {
    const state = { generation: 0, reads: 0 };
    const cache = createSessionCache<number>(() => state.generation);
    const read = async () => {
      state.reads++;
      state.generation++; // a write lands while the read waits
      return { value: state.reads, expiresAt: '9999' };
    };
    await cache.get('k', '2026', read);
    expect(await cache.get('k', '2026', read)).toBe(2);
  });
});
