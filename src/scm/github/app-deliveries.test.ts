import { describe, expect, it } from 'vitest';
import { deliveriesToRetry, type DeliveryAttempts } from './app-deliveries.js';

const event = (guid: string, ...codes: number[]): DeliveryAttempts => ({
  guid,
  event: 'installation',
  // Newest first, as GitHub lists them; ids count down so the newest has the largest.
  attempts: codes.map((statusCode, index) => ({
    id: String(100 + codes.length - index),
    statusCode,
    at: '',
  })),
});

describe('deliveriesToRetry', () => {
  it.each([
    ['a failed event is asked again, by its newest attempt', [event('a', 502)], [], ['101']],
    ['one that was delivered is not', [event('a', 202, 502)], [], []],
    ['one that was never answered (0) is', [event('a', 0, 0)], [], ['102']],
    ['one scm-connect holds is not, whatever GitHub recorded', [event('a', 500)], ['a'], []],
    ['one tried as often as allowed is left alone', [event('a', 500, 500, 500, 500)], [], []],
    ['redirects count as failures', [event('a', 301)], [], ['101']],
  ])('%s', (_what, events, stored, expected) => {
    expect(deliveriesToRetry(events, { stored: new Set(stored), maxAttempts: 4 })).toEqual(expected);
  });
});
