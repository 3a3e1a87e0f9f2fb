/** Work a twin started in the background (hook deliveries), so a test can wait until all of it has finished. */
export interface InFlight {
  /** Returns `work`, kept until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once everything tracked so far, and whatever that started meanwhile, has settled. */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  const pending = new Set<Promise<unknown>>();
  return {
    track(work) {
      pending.add(work);
      void work.finally(() => pending.delete(work)).catch(() => undefined);
      return work;
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
