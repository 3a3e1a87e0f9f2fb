import type { Octokit } from '@octokit/core';

/** How a GitHub client waits out rate limits (plugin-throttling, one budget per installation, app or user). */
export interface GitHubRateLimitPolicy {
  /** Retries of a request refused by a secondary rate limit, each after its `retry-after` (default 2). */
  readonly secondaryRetries: number;
  /**
   * The longest wait for a `retry-after` or a primary-limit reset (default 60 s). A longer one, or an exhausted
   * primary budget whose reset is further away, fails with ScmError `rate-limited` and its `retryAt`.
   */
  readonly maxWaitMs: number;
  /** Milliseconds per second of `retry-after` (default 1000; tests shrink it to not sleep). */
  readonly secondMs: number;
  /**
   * The least time between two writes of one budget (default 1000 ms, GitHub's advice for many writes); a bench
   * against the twin scales it down with the content limits.
   */
  readonly writeSpacingMs?: number;
}

export const defaultRateLimitPolicy: GitHubRateLimitPolicy = {
  secondaryRetries: 2,
  maxWaitMs: 60_000,
  secondMs: 1000,
};

/**
 * What plugin-throttling asks of a limiter group (a Bottleneck group) before a request: a slot, keyed by the
 * budget's id.
 */
interface SlotGroup {
  key(id: string): { schedule(options: unknown, run: () => Promise<void>): Promise<void> };
}

type PluginThrottleOptions = NonNullable<ConstructorParameters<typeof Octokit>[0]>['throttle'];
type WriteGroup = NonNullable<Extract<PluginThrottleOptions, { onRateLimit: unknown }>['write']>;

/** Writes of one budget, one at a time and at least `spacingMs` apart (the plugin's own group spaces by 1 s). */
function writeSpacer(spacingMs: number): SlotGroup {
  let last = Number.NEGATIVE_INFINITY;
  let queue: Promise<unknown> = Promise.resolve();
  const schedule = (_options: unknown, run: () => Promise<void>): Promise<void> => {
    const turn = queue.then(async () => {
      const wait = last + spacingMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      last = Date.now();
      return run();
    });
    queue = turn.catch(() => undefined);
    return turn;
  };
  return { key: () => ({ schedule }) };
}

/**
 * plugin-throttling options for one budget; `id` keys its limiters, so each budget queues on its own. With
 * `contentPaced`, the caller paces content creation itself (an installation's content pacer wraps those
 * requests), so the plugin's fixed 3 s between them is turned off.
 */
export function throttleOptions(
  id: string,
  overrides: Partial<GitHubRateLimitPolicy> = {},
  contentPaced = false,
) {
  const policy = { ...defaultRateLimitPolicy, ...overrides };
  return {
    id,
    ...(contentPaced ? { triggersNotification: () => false } : {}),
    // The plugin calls only `key(id).schedule(options, run)` of the group: the spacer is not a whole Bottleneck.
    ...(policy.writeSpacingMs === undefined
      ? {}
      : { write: writeSpacer(policy.writeSpacingMs) as unknown as WriteGroup }),
    retryAfterBaseValue: policy.secondMs,
    fallbackSecondaryRateRetryAfter: 60,
    onSecondaryRateLimit: (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < policy.secondaryRetries && retryAfter * 1000 <= policy.maxWaitMs,
    onRateLimit: (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < 1 && retryAfter * 1000 <= policy.maxWaitMs,
  };
}
