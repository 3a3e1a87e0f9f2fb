import type { Db } from './database.js';
import { nowIso } from '../core/tokens.js';

/**
 * Fixed-window counters in the database, so every process behind a load balancer shares them.
 * Returns the seconds to wait when `key` is over `limit` in the current window, else 0.
 */
export async function hit(db: Db, key: string, limit: number, windowSeconds: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const now = Date.now();
    const row = await tx.selectFrom('rate_limits').selectAll().where('key', '=', key).executeTakeFirst();
    const windowStart = row ? Date.parse(row.window_start) : 0;
    if (!row || now - windowStart >= windowSeconds * 1000) {
      await tx
        .insertInto('rate_limits')
        .values({ key, window_start: nowIso(), count: 1 })
        .onConflict((oc) => oc.column('key').doUpdateSet({ window_start: nowIso(), count: 1 }))
        .execute();
      return 0;
    }
    if (row.count >= limit) return Math.max(1, Math.ceil((windowStart + windowSeconds * 1000 - now) / 1000));
    await tx
      .updateTable('rate_limits')
      .set((eb) => ({ count: eb('count', '+', 1) }))
      .where('key', '=', key)
      .execute();
    return 0;
  });
}

export const clearRateLimit = (db: Db, key: string) =>
  db.deleteFrom('rate_limits').where('key', '=', key).execute();
