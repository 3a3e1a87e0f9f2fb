/** Wait used when an SCM says "rate limited" without saying for how long (GitHub: at least a minute). */
const defaultWaitMs = 60_000;

/**
 * When a response is a rate-limit answer, the moment the SCM allows the next request; otherwise undefined.
 * 429 always counts; 403 counts when it carries rate-limit headers (GitHub primary: `x-ratelimit-remaining: 0`;
 * secondary: `retry-after`) or says so in the body (GitHub secondary without `retry-after`). The wait comes from
 * `Retry-After` (seconds or HTTP date), else `x-ratelimit-reset` / `RateLimit-Reset` (epoch seconds; small
 * values read as seconds from now), else one minute.
 */
export function rateLimitedUntil(
  status: number,
  headers: Readonly<Record<string, string>>,
  bodyText: string,
  now: number,
): Date | undefined {
  if (status !== 429 && status !== 403) return undefined;
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  const reset = parseReset(headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'], now);
  if (status === 403) {
    const exhausted = headers['x-ratelimit-remaining'] === '0' || headers['ratelimit-remaining'] === '0';
    if (retryAfter === undefined && !exhausted && !/rate limit/i.test(bodyText)) return undefined;
  }
  return new Date(retryAfter ?? reset ?? now + defaultWaitMs);
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return now + Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(now, date);
}

function parseReset(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return undefined;
  const seconds = Number(value.trim());
  // Epoch seconds (GitHub, GitLab) vs seconds from now (the IETF RateLimit draft).
  const at = seconds > 1_000_000_000 ? seconds * 1000 : now + seconds * 1000;
  return Math.max(now, at);
}
