/** How long a cached session answer may be used when nothing in this process wrote to the database. */
const maxAgeMs = 1000;
const maxEntries = 10_000;

interface Entry<Value> {
  readonly value: Value;
  readonly generation: number;
  readonly storedAt: number;
  /** The session's own expiry (ISO-8601, compared as text like the database does). */
  readonly expiresAt: string;
}

export interface SessionCache<Value> {
  /** The cached answer for `key`, or a fresh one from `read` (which it then keeps). */
  get(
    key: string,
    now: string,
    read: () => Promise<{ value: Value; expiresAt: string } | undefined>,
  ): Promise<Value | undefined>;
}

/**
 * Answers the session lookup every request makes without a query while nothing has been written since it was
 * read. `writeGeneration` changes on every write this process makes (a sign-out, a removed member, a changed
 * role), so such a change is seen by the very next request; writes by another process (the CLI) are seen within
 * a second. Only found sessions are kept, so random cookies cannot fill it.
 */
export function createSessionCache<Value>(
  writeGeneration: () => number,
  clock: () => number = Date.now,
): SessionCache<Value> {
  const entries = new Map<string, Entry<Value>>();
  return {
    async get(key, now, read) {
      const generation = writeGeneration();
      const entry = entries.get(key);
      if (
        entry &&
        entry.generation === generation &&
        clock() - entry.storedAt < maxAgeMs &&
        entry.expiresAt > now
      ) {
        return entry.value;
      }
      // The generation is taken before reading, so a write that lands while the read waits makes the entry stale.
      const found = await read();
      if (!found) {
        entries.delete(key);
        return undefined;
      }
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value: found.value, generation, storedAt: clock(), expiresAt: found.expiresAt });
      return found.value;
    },
  };
}
