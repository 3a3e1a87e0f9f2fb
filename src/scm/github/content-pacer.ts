import { throttling } from '@octokit/plugin-throttling';
import { ScmError } from '../errors.js';

/**
 * GitHub's secondary limits on content creation (comments, reviews, pull requests, branches, files, secrets): at
 * most 80 a minute and 500 an hour per installation. Tripping them risks the integration being banned, so they
 * are paced rather than hit.
 */
export interface ContentLimits {
  readonly perMinute: number;
  readonly perHour: number;
  /** The length of the "minute" window (default 60,000 ms); a bench against the twin scales it down. */
  readonly minuteMs?: number;
  /** The length of the "hour" window (default 3,600,000 ms). */
  readonly hourMs?: number;
}

export const githubContentLimits: ContentLimits = { perMinute: 80, perHour: 500 };

/**
 * GitHub's advice of at least 1 s between the writes of one client, scaled down with the limits' windows when
 * they are shorter than a minute and an hour (a bench against the twin); undefined keeps plugin-throttling's 1 s.
 */
export function writeSpacingFor(limits: ContentLimits): number | undefined {
  const scale = Math.min(1, (limits.minuteMs ?? 60_000) / 60_000, (limits.hourMs ?? 3_600_000) / 3_600_000);
  return scale < 1 ? Math.round(1_000 * scale) : undefined;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Paces content-creating requests of ONE installation; made with its client, so each budget is its own. */
export interface ContentPacer {
  /**
   * Runs `send` once the windows allow one more creation; rejects `rate-limited` when that is past `maxWaitMs`.
   * A creation counts from when its answer came back, the latest GitHub can have counted it, so that network
   * delays never make two creations look closer together to GitHub than they were here.
   */
  pace<T>(send: () => Promise<T>): Promise<T>;
}

export interface ContentPacerOptions {
  readonly limits?: ContentLimits;
  /** The longest wait for a free slot; a longer one fails with ScmError `rate-limited` and its `retryAt`. */
  readonly maxWaitMs: number;
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The writes GitHub counts as content creation: the routes plugin-throttling knows (comments, reviews, pull
 * requests, issues…) and those of adding a CI job (a branch, a file, an Actions secret).
 */
export function createsContent(method: string, url: string): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const { pathname } = new URL(url, 'http://github.test');
  return throttling.triggersNotification(pathname) || ciContentRoute.test(pathname);
}

/** Route templates (`/repos/{owner}/{repo}/…`) or expanded paths of the CI job's writes. */
const ciContentRoute = /^\/repos\/[^/]+\/[^/]+\/(?:git\/refs|contents\/.+|actions\/secrets\/[^/]+)$/;

export function createContentPacer(options: ContentPacerOptions): ContentPacer {
  const limits = options.limits ?? githubContentLimits;
  const minuteMs = limits.minuteMs ?? MINUTE;
  const hourMs = limits.hourMs ?? HOUR;
  const sleep = options.sleep ?? defaultSleep;
  /** When each creation of the last hour was counted: sent, then moved to when its answer came. */
  const counted: { at: number }[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  /** Milliseconds until one more creation fits both windows. */
  function waitFor(now: number): number {
    counted.sort((a, b) => a.at - b.at);
    while (counted.length > 0 && counted[0]!.at <= now - hourMs) counted.shift();
    let wait = 0;
    if (counted.length >= limits.perHour) wait = counted[counted.length - limits.perHour]!.at + hourMs - now;
    const lastMinute = counted.filter((entry) => entry.at > now - minuteMs);
    if (lastMinute.length >= limits.perMinute) {
      wait = Math.max(wait, lastMinute[lastMinute.length - limits.perMinute]!.at + minuteMs - now);
    }
    return Math.max(0, wait);
  }

  async function slot(): Promise<{ at: number }> {
    for (;;) {
      const now = options.now();
      const wait = waitFor(now);
      if (wait === 0) {
        const entry = { at: now };
        counted.push(entry);
        return entry;
      }
      if (wait > options.maxWaitMs) {
        const retryAt = new Date(now + wait);
        throw new ScmError(
          'rate-limited',
          `GitHub allows an installation ${limits.perMinute} content creations (comments, pull requests, files, secrets) a minute and ${limits.perHour} an hour; the next fits at ${retryAt.toISOString()}.`,
          {
            code: 'rate_limited',
            retryAt,
            fix: 'Nothing to do: the work is carried out once the time given has passed.',
          },
        );
      }
      await sleep(wait);
    }
  }

  const pace = async <T>(send: () => Promise<T>): Promise<T> => {
    // One slot at a time, in call order; the request itself runs outside the queue.
    const turn = queue.then(slot);
    queue = turn.catch(() => undefined);
    const entry = await turn;
    try {
      return await send();
    } finally {
      entry.at = Math.max(entry.at, options.now());
    }
  };
  return { pace };
}
