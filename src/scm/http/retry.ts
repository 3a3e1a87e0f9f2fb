/** How calls are retried; every field has a default. */
export interface RetryOptions {
  /** Tries in all, the first included (default 4). */
  readonly attempts?: number;
  /** First backoff before jitter (default 500 ms); doubles per try. */
  readonly baseDelayMs?: number;
  /** Upper bound of one backoff (default 10 s). */
  readonly maxDelayMs?: number;
  /** Longest rate-limit wait worth sitting out; beyond it the call fails `rate-limited` (default 60 s). */
  readonly maxWaitMs?: number;
}

export const retryDefaults: Required<RetryOptions> = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxWaitMs: 60_000,
};

/** Methods that may be sent twice without a second effect (RFC 9110 §9.2.2). */
const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export const isIdempotent = (method: string): boolean => idempotentMethods.has(method);

/** Exponential backoff with "equal jitter": between half and all of min(max, base · 2^(try-1)). */
export function backoffMs(
  retry: Required<RetryOptions>,
  failedAttempt: number,
  random = Math.random,
): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
