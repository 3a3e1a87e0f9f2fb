import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['6h', 6 * 3_600_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    [' 2h ', 7_200_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '6', 'h', '6 h', '1.5h', '30m1h', '1h1h', '-1h', '6hours', '1w'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
