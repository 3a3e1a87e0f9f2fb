import { describe, expect, it } from 'vitest';
import { rateLimitedUntil } from './rate-limit.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const epoch = (seconds: number) => String(Math.floor(now / 1000) + seconds);

describe('rateLimitedUntil', () => {
  it.each<[string, number, Record<string, string>, string, number | undefined]>([
    ['429 Retry-After seconds', 429, { 'retry-after': '7' }, '', now + 7000],
    [
      '429 Retry-After HTTP date',
      429,
      { 'retry-after': new Date(now + 90_000).toUTCString() },
      '',
      now + 90_000,
    ],
    ['429 x-ratelimit-reset epoch', 429, { 'x-ratelimit-reset': epoch(30) }, '', now + 30_000],
    ['429 RateLimit-Reset epoch (GitLab)', 429, { 'ratelimit-reset': epoch(20) }, '', now + 20_000],
    ['429 RateLimit-Reset delta seconds', 429, { 'ratelimit-reset': '15' }, '', now + 15_000],
    [
      '429 Retry-After wins over reset',
      429,
      { 'retry-after': '5', 'x-ratelimit-reset': epoch(300) },
      '',
      now + 5000,
    ],
    ['429 without headers: one minute', 429, {}, 'Retry later', now + 60_000],
    ['429 reset in the past: now', 429, { 'x-ratelimit-reset': epoch(-100) }, '', now],
    [
      '403 primary limit',
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(40) },
      '',
      now + 40_000,
    ],
    ['403 secondary with Retry-After', 403, { 'retry-after': '60' }, '', now + 60_000],
    [
      '403 secondary by message',
      403,
      {},
      '{"message":"You have exceeded a secondary rate limit"}',
      now + 60_000,
    ],
    [
      '403 permission problem',
      403,
      { 'x-ratelimit-remaining': '4999' },
      '{"message":"Resource not accessible"}',
      undefined,
    ],
    ['401', 401, { 'retry-after': '5' }, '', undefined],
    ['200 with remaining 0', 200, { 'x-ratelimit-remaining': '0' }, '', undefined],
  ])('%s', (_name, status, headers, body, expected) => {
    expect(rateLimitedUntil(status, headers, body, now)?.getTime()).toBe(expected);
  });
});
