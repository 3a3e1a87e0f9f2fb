import { describe, expect, it } from 'vitest';
import { isScmError } from '../errors.js';
import { createContentPacer } from './content-pacer.js';

/** A pacer on a fake clock: sleeping moves the clock. */
function paced(limits: { perMinute: number; perHour: number }, maxWaitMs = 3_600_000) {
  let now = 0;
  const slept: number[] = [];
  const pacer = createContentPacer({
    limits,
    maxWaitMs,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
  const sent: number[] = [];
  const create = () => pacer.pace(async () => void sent.push(now));
  return { create, sent, slept, advance: (ms: number) => (now += ms) };
}

describe('createContentPacer', () => {
  it('sends up to the minute budget at once, then waits for the oldest to leave the window', async () => {
    const { create, sent, slept } = paced({ perMinute: 3, perHour: 100 });
    await Promise.all([create(), create(), create(), create()]);
    expect(sent).toEqual([0, 0, 0, 60_000]);
    expect(slept).toEqual([60_000]);
  });

  it('keeps to the hour budget across minutes', async () => {
    const { create, sent, advance } = paced({ perMinute: 80, perHour: 2 });
    await create();
    advance(120_000);
    await create();
    await create();
    expect(sent).toEqual([0, 120_000, 3_600_000]);
  });

  it('refuses with the time a slot frees when that is further than it may wait', async () => {
    const { create, sent } = paced({ perMinute: 1, perHour: 10 }, 1_000);
    await create();
    const refused = await create().catch((error: unknown) => error);
    expect(isScmError(refused) && [refused.kind, refused.retryAt?.getTime()]).toEqual([
      'rate-limited',
      60_000,
    ]);
    expect(sent).toEqual([0]);
    // A refusal does not hold up the next caller's turn.
    await expect(create()).rejects.toMatchObject({ kind: 'rate-limited' });
  });
});
