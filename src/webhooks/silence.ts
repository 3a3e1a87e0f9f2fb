import type { Db } from '../db/database.js';

/**
 * Called after a sync found repositories added or removed since `previousSyncAt`: when the connection's hook was
 * registered and yet delivered nothing since then, the hook looks silent, and its endpoint keeps when that was
 * seen. A newer delivery clears the warning (the connection view compares the two).
 */
export async function noteUnreportedActivity(
  db: Db,
  scope: { readonly accountId: string; readonly connectionId: string; readonly previousSyncAt: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ silent_activity_at: now.toISOString() })
    .where('account_id', '=', scope.accountId)
    .where('connection_id', '=', scope.connectionId)
    .where('registered_hook_ids', 'is not', null)
    .where('registered_at', '<', scope.previousSyncAt)
    .where((eb) =>
      eb.or([eb('last_delivery_at', 'is', null), eb('last_delivery_at', '<', scope.previousSyncAt)]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
