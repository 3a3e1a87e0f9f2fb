import { AppError } from '../core/errors.js';
import { ScmError } from '../scm/errors.js';

/** Exponential backoff between failed runs: `baseMs · 2^(attempt-1)`, capped at `maxMs`, with jitter. */
export interface BackoffOptions {
  /** Delay after the first failure, before jitter; default 2 s. */
  readonly baseMs?: number;
  /** Longest delay; default 10 min. */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 2_000, maxMs: 600_000 } as const;

/** What the worker does after a run threw. */
export type FailureDecision =
  | {
      readonly action: 'retry';
      readonly runAt: Date;
      readonly message: string;
      readonly countsAsAttempt: boolean;
    }
  | { readonly action: 'fail'; readonly message: string };

const MAX_MESSAGE_LENGTH = 1_000;

const fixMarker = ' Fix: ';

/** A failure as users may read it: what went wrong and, when known, what to do about it. */
export interface SafeError {
  readonly message: string;
  readonly fix: string | null;
}

/**
 * An {@link ScmError} or {@link AppError} message (they are written for the user and carry no secret or upstream
 * body) with the ScmError's fix; anything else a generic sentence, the details going to the log.
 */
function safeErrorParts(error: unknown): SafeError {
  if (error instanceof ScmError) return { message: error.message, fix: error.fix ?? null };
  if (error instanceof AppError) return { message: error.message, fix: null };
  return { message: 'The job failed with an unexpected error; the service log has the details.', fix: null };
}

/** `message Fix: fix`, at most 1,000 characters: the text stored as `last_error` (and a sync's error). */
function formatSafeError(parts: SafeError): string {
  const text = parts.fix ? `${parts.message}${fixMarker}${parts.fix}` : parts.message;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

/** The message stored as `last_error`: see {@link safeErrorParts}; {@link readSafeError} reads it back. */
export const safeErrorMessage = (error: unknown): string => formatSafeError(safeErrorParts(error));

/** The message and the fix of a stored `last_error`. */
export function readSafeError(text: string): SafeError {
  const at = text.lastIndexOf(fixMarker);
  if (at < 0) return { message: text, fix: null };
  return { message: text.slice(0, at), fix: text.slice(at + fixMarker.length) || null };
}

/** The delay before the next run after `attempt` failed runs, jittered to between half and all of it. */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

const readRetryable = (error: unknown): boolean | undefined => {
  if (typeof error !== 'object' || error === null || !('retryable' in error)) return undefined;
  return typeof error.retryable === 'boolean' ? error.retryable : undefined;
};

const readRetryAt = (error: unknown): Date | undefined => {
  if (typeof error !== 'object' || error === null || !('retryAt' in error)) return undefined;
  return error.retryAt instanceof Date && !Number.isNaN(error.retryAt.getTime()) ? error.retryAt : undefined;
};

export interface FailureContext {
  /** Runs started so far, the failed one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly now: Date;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
}

/**
 * Retry or fail. An error that says `retryable: false` (ScmError auth, forbidden, not-found, invalid…) or is an
 * {@link AppError} fails at once; a retryable or unknown error is retried with backoff while attempts remain.
 * A `retryAt` in the future (rate limited) is a pause, not a failure: the job runs again no earlier than that
 * and the run does not count against `maxAttempts`.
 */
export function decideAfterFailure(error: unknown, context: FailureContext): FailureDecision {
  const parts = safeErrorParts(error);
  const message = formatSafeError(parts);
  const retryable = error instanceof AppError ? false : (readRetryable(error) ?? true);
  if (!retryable) return { action: 'fail', message };
  const retryAt = readRetryAt(error);
  if (retryAt && retryAt.getTime() > context.now.getTime()) {
    return { action: 'retry', runAt: retryAt, message, countsAsAttempt: false };
  }
  if (context.attempts >= context.maxAttempts) {
    const gaveUp = `${parts.message} (gave up after ${context.attempts} attempts)`;
    return { action: 'fail', message: formatSafeError({ ...parts, message: gaveUp }) };
  }
  const delay = backoffDelayMs(context.attempts, context.backoff, context.random);
  return { action: 'retry', runAt: new Date(context.now.getTime() + delay), message, countsAsAttempt: true };
}
