import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { ScmError, type ScmErrorKind } from '../scm/errors.js';
import { backoffDelayMs, decideAfterFailure, safeErrorMessage } from './retry-policy.js';

const now = new Date('2030-01-01T00:00:00.000Z');
const context = { attempts: 1, maxAttempts: 5, now, random: () => 1 };

describe('decideAfterFailure', () => {
  it.each<[ScmErrorKind, 'retry' | 'fail']>([
    ['unavailable', 'retry'],
    ['timeout', 'retry'],
    ['rate-limited', 'retry'],
    ['auth', 'fail'],
    ['forbidden', 'fail'],
    ['not-found', 'fail'],
    ['invalid', 'fail'],
    ['blocked-address', 'fail'],
    ['tls', 'fail'],
    ['too-large', 'fail'],
  ])('ScmError %s → %s', (kind, action) => {
    expect(decideAfterFailure(new ScmError(kind, 'x'), context).action).toBe(action);
  });

  it('fails an AppError at once and retries an unknown error', () => {
    expect(decideAfterFailure(new AppError(409, 'busy', 'Busy.'), context)).toEqual({
      action: 'fail',
      message: 'Busy.',
    });
    expect(decideAfterFailure(new TypeError('x is undefined'), context).action).toBe('retry');
    expect(decideAfterFailure('a string', context).action).toBe('retry');
  });

  it('honours a `retryable` flag on other errors', () => {
    const error = Object.assign(new Error('nope'), { retryable: false });
    expect(decideAfterFailure(error, context).action).toBe('fail');
  });

  it('waits for a future retryAt without counting the attempt, even on the last one', () => {
    const retryAt = new Date(now.getTime() + 90_000);
    const error = new ScmError('rate-limited', 'Slow down.', { retryAt });
    expect(decideAfterFailure(error, { ...context, attempts: 5 })).toEqual({
      action: 'retry',
      runAt: retryAt,
      message: 'Slow down.',
      countsAsAttempt: false,
    });
  });

  it('backs off when retryAt has passed, and gives up after maxAttempts', () => {
    const error = new ScmError('rate-limited', 'Slow down.', { retryAt: new Date(now.getTime() - 1) });
    expect(decideAfterFailure(error, { ...context, attempts: 3 })).toMatchObject({
      action: 'retry',
      runAt: new Date(now.getTime() + 8_000),
      countsAsAttempt: true,
    });
    expect(decideAfterFailure(error, { ...context, attempts: 5 })).toEqual({
      action: 'fail',
      message: 'Slow down. (gave up after 5 attempts)',
    });
  });
});

describe('backoffDelayMs', () => {
  it.each([
    [1, 1, 2_000],
    [2, 1, 4_000],
    [3, 0, 4_000],
    [4, 0.5, 12_000],
    [20, 1, 600_000],
    [20, 0, 300_000],
  ])('attempt %i with jitter %d → %i ms', (attempt, jitter, expected) => {
    expect(backoffDelayMs(attempt, {}, () => jitter)).toBe(expected);
  });

  it('follows its options', () => {
    expect(backoffDelayMs(3, { baseMs: 100, maxMs: 300 }, () => 1)).toBe(300);
  });
});

describe('safeErrorMessage', () => {
  it('keeps messages written for users and hides everything else', () => {
    expect(
      safeErrorMessage(new ScmError('forbidden', 'Token lacks `api`.', { fix: 'Create one with `api`.' })),
    ).toBe('Token lacks `api`. Fix: Create one with `api`.');
    expect(safeErrorMessage(new AppError(400, 'bad', 'Bad input.'))).toBe('Bad input.');
    const leaked = safeErrorMessage(new Error('GET https://x:glpat-123@h/ failed: {"upstream":"body"}'));
    expect(leaked).not.toMatch(/glpat|upstream|https/);
    expect(safeErrorMessage(new AppError(400, 'bad', 'y'.repeat(5_000)))).toHaveLength(1_000);
  });
});
