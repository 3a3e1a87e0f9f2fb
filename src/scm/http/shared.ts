/**
 * Per-process state of the HTTP layer, created once by `createScmHttpShared()` and handed to every client:
 * a concurrency limit per host and the rate-limit pauses per host, so concurrent calls to a host wait together.
 */
export interface ScmHttpShared {
  /** How many requests may run at once against one host. */
  readonly perHostConcurrency: number;
  /** Runs `task` once fewer than `perHostConcurrency` tasks run for `host`. */
  withSlot<T>(host: string, task: () => Promise<T>): Promise<T>;
  /** Resolves once no rate-limit pause is running for `host`. */
  waitUntilResumed(host: string): Promise<void>;
  /**
   * Pauses every call to `host` until `until` (a later pause already running wins). `sleep` does the waiting;
   * the returned promise resolves when the pause ends.
   */
  pause(host: string, until: Date, sleep: (ms: number) => Promise<void>): Promise<void>;
  /** When the running pause for `host` ends, if one runs. */
  pausedUntil(host: string): Date | undefined;
}

interface Pause {
  readonly until: number;
  readonly done: Promise<void>;
}

interface Slots {
  active: number;
  readonly waiting: (() => void)[];
}

export function createScmHttpShared(options: { perHostConcurrency?: number } = {}): ScmHttpShared {
  const perHostConcurrency = options.perHostConcurrency ?? 4;
  if (!Number.isInteger(perHostConcurrency) || perHostConcurrency < 1) {
    throw new Error('perHostConcurrency must be a positive integer.');
  }
  const slots = new Map<string, Slots>();
  const pauses = new Map<string, Pause>();

  async function acquire(host: string): Promise<void> {
    let entry = slots.get(host);
    if (!entry) {
      entry = { active: 0, waiting: [] };
      slots.set(host, entry);
    }
    if (entry.active < perHostConcurrency) {
      entry.active += 1;
      return;
    }
    // The releasing task hands its slot over, so `active` stays unchanged.
    await new Promise<void>((resolve) => entry.waiting.push(resolve));
  }

  function release(host: string): void {
    const entry = slots.get(host);
    if (!entry) return;
    const next = entry.waiting.shift();
    if (next) return next();
    entry.active -= 1;
    if (entry.active === 0) slots.delete(host);
  }

  return {
    perHostConcurrency,
    async withSlot(host, task) {
      await acquire(host);
      try {
        return await task();
      } finally {
        release(host);
      }
    },
    async waitUntilResumed(host) {
      for (let pause = pauses.get(host); pause; pause = pauses.get(host)) await pause.done;
    },
    pause(host, until, sleep) {
      const running = pauses.get(host);
      if (running && running.until >= until.getTime()) return running.done;
      const end = () => {
        if (pauses.get(host) === pause) pauses.delete(host);
      };
      const pause: Pause = {
        until: until.getTime(),
        done: sleep(Math.max(0, until.getTime() - Date.now())).then(end, end),
      };
      pauses.set(host, pause);
      return pause.done;
    },
    pausedUntil(host) {
      const pause = pauses.get(host);
      return pause ? new Date(pause.until) : undefined;
    },
  };
}
