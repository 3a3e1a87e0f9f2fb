import { ScmError } from '../errors.js';
import type { ContentSlots } from './throttle-options.js';

/**
 * GitHub's secondary limits on content creation (comments, reviews, replies, pull requests): at most 80 a minute
 * and 500 an hour. Tripping them risks the integration being banned, so they are paced rather than hit.
 */
export interface ContentLimits {
  readonly perMinute: number;
  readonly perHour: number;
}

export const githubContentLimits: ContentLimits = { perMinute: 80, perHour: 500 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Paces content-creating requests of ONE installation; made with its client, so each budget is its own. */
export interface ContentPacer {
  /** Runs `send` once the windows allow one more creation; rejects `rate-limited` when that is past `maxWaitMs`. */
  pace<T>(send: () => Promise<T>): Promise<T>;
  /** The pacer as plugin-throttling's `notifications` limiter (one installation: the key is ignored). */
  readonly slots: ContentSlots;
}

export interface ContentPacerOptions {
  readonly limits?: ContentLimits;
  /** The longest wait for a free slot; a longer one fails with ScmError `rate-limited` and its `retryAt`. */
  readonly maxWaitMs: number;
  readonly now: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createContentPacer(options: ContentPacerOptions): ContentPacer {
  const limits = options.limits ?? githubContentLimits;
  const sleep = options.sleep ?? defaultSleep;
  /** When each creation of the last hour was sent, oldest first. */
  const sent: number[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  /** Milliseconds until one more creation fits both windows. */
  function waitFor(now: number): number {
    while (sent.length > 0 && sent[0]! <= now - HOUR) sent.shift();
    let wait = 0;
    if (sent.length >= limits.perHour) wait = sent[sent.length - limits.perHour]! + HOUR - now;
    const lastMinute = sent.filter((at) => at > now - MINUTE);
    if (lastMinute.length >= limits.perMinute) {
      wait = Math.max(wait, lastMinute[lastMinute.length - limits.perMinute]! + MINUTE - now);
    }
    return Math.max(0, wait);
  }

  async function slot(): Promise<void> {
    for (;;) {
      const now = options.now();
      const wait = waitFor(now);
      if (wait === 0) {
        sent.push(now);
        return;
      }
      if (wait > options.maxWaitMs) {
        const retryAt = new Date(now + wait);
        throw new ScmError(
          'rate-limited',
          `GitHub allows an installation ${limits.perMinute} comments a minute and ${limits.perHour} an hour; the next fits at ${retryAt.toISOString()}.`,
          { code: 'rate_limited', retryAt, fix: 'The comments are posted once the time given has passed.' },
        );
      }
      await sleep(wait);
    }
  }

  const pace = async <T>(send: () => Promise<T>): Promise<T> => {
    // One slot at a time, in call order; the request itself runs outside the queue.
    const turn = queue.then(slot);
    queue = turn.catch(() => undefined);
    await turn;
    return send();
  };
  return { pace, slots: { key: () => ({ schedule: (_options, run) => pace(run) }) } };
}
