import type { Db } from '../db/database.js';
import type { WebhookEndpointState, WebhookHealthSource } from '../jobs/webhook-health.js';

/**
 * Webhook health from the endpoint rows: a connection whose hook the SCM accepted is registered, and its last delivery is the
 * newest any of its endpoints received; a connection without one is missing its hook.
 */
export function webhookStorageHealth(db: Db): WebhookHealthSource {
  return {
    async read(accountId, connectionIds) {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .select(['connection_id', 'last_delivery_at', 'registered_hook_ids', 'registration_problem'])
        .where('account_id', '=', accountId)
        .where('connection_id', 'in', [...connectionIds])
        .execute();
      const states = new Map<string, WebhookEndpointState>(
        connectionIds.map((id) => [id, { registered: false, lastDeliveryAt: null, problem: null }]),
      );
      for (const row of rows) {
        const previous = states.get(row.connection_id!)?.lastDeliveryAt ?? null;
        const newest =
          previous === null || (row.last_delivery_at !== null && row.last_delivery_at > previous)
            ? row.last_delivery_at
            : previous;
        const problem = row.registration_problem
          ? (JSON.parse(row.registration_problem) as { message: string }).message
          : null;
        states.set(row.connection_id!, {
          registered: row.registered_hook_ids !== null,
          lastDeliveryAt: newest,
          problem,
        });
      }
      return states;
    },
  };
}
