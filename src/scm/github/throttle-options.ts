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
}

export const defaultRateLimitPolicy: GitHubRateLimitPolicy = {
  secondaryRetries: 2,
  maxWaitMs: 60_000,
  secondMs: 1000,
};

/**
 * What plugin-throttling asks of its `notifications` limiter (a Bottleneck group) before each content-creating
 * request: a slot, keyed by the budget's id. An installation's content pacer answers it.
 */
export interface ContentSlots {
  key(id: string): { schedule(options: unknown, run: () => Promise<void>): Promise<void> };
}

type PluginThrottleOptions = NonNullable<ConstructorParameters<typeof Octokit>[0]>['throttle'];
type NotificationGroup = NonNullable<
  Extract<PluginThrottleOptions, { onRateLimit: unknown }>['notifications']
>;

/**
 * plugin-throttling options for one budget; `id` keys its limiters, so each budget queues on its own. With
 * `contentSlots`, content creation (the plugin's "triggers notification" routes) is paced by them instead of the
 * plugin's fixed 3 s between requests.
 */
export function throttleOptions(
  id: string,
  overrides: Partial<GitHubRateLimitPolicy> = {},
  contentSlots?: ContentSlots,
) {
  const policy = { ...defaultRateLimitPolicy, ...overrides };
  return {
    id,
    // The plugin calls only `key(id).schedule(options, run)` of the group: the pacer is not a whole Bottleneck.
    ...(contentSlots ? { notifications: contentSlots as unknown as NotificationGroup } : {}),
    retryAfterBaseValue: policy.secondMs,
    fallbackSecondaryRateRetryAfter: 60,
    onSecondaryRateLimit: (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < policy.secondaryRetries && retryAfter * 1000 <= policy.maxWaitMs,
    onRateLimit: (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number) =>
      retryCount < 1 && retryAfter * 1000 <= policy.maxWaitMs,
  };
}
