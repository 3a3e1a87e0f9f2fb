import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { WebhookDeliveryStatus } from '../db/schema.js';
import { safeErrorMessage, type JobHandler } from '../jobs/index.js';
import { WebhookPayloadError, type WebhookEvent, type WebhookEventType } from '../scm/webhook-receiver.js';
import { isWebhookKind, webhookReceivers } from './receivers.js';

export const webhookProcessJobKind = 'webhook.process';

/** What an event handler knows besides the event. */
export interface WebhookEventContext {
  readonly accountId: string;
  /** The connection the endpoint serves; null for a GitHub App endpoint. */
  readonly connectionId: string | null;
  readonly endpointId: string;
  /** Our id of the stored delivery. */
  readonly deliveryId: string;
  readonly receivedAt: string;
  readonly logger: Logger;
  /** Aborts when the job is cancelled or the worker stops. */
  readonly signal: AbortSignal;
}

/** Acts on one kind of event. It can run again for the same delivery (a retry after a later handler failed): be idempotent. */
export type WebhookEventHandler<T extends WebhookEventType> = (
  // An intersection, not Extract: one event interface may carry several types (installation events do).
  event: WebhookEvent & { readonly type: T },
  context: WebhookEventContext,
) => Promise<void>;

/** The handlers, by kind of event; events without one are recorded as ignored. */
export type WebhookEventHandlers = { readonly [T in WebhookEventType]?: WebhookEventHandler<T> };

export interface WebhookProcessResult {
  readonly status: Exclude<WebhookDeliveryStatus, 'received'> | 'gone';
  /** Events the delivery carried, and how many of them a handler acted on. */
  readonly events: number;
  readonly handled: number;
  readonly reason?: string;
}

const payloadSchema = z.object({ deliveryId: z.string().min(1) });

async function markDelivery(
  db: Db,
  id: string,
  status: Exclude<WebhookDeliveryStatus, 'received'>,
  outcome: string,
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, outcome: outcome.slice(0, 1000), processed_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

/**
 * Runs a `webhook.process` job: reads the delivery its payload names, parses it with its kind's receiver into
 * normalized events, and gives each event to the handler registered for its type. A delivery whose body is not
 * what its event promises fails at once (parsing it again cannot help); a failing handler retries the job.
 */
export function createWebhookProcessHandler(options: {
  readonly db: Db;
  readonly handlers: WebhookEventHandlers;
}): JobHandler {
  const { db, handlers } = options;
  return async (job, { logger, signal }): Promise<WebhookProcessResult> => {
    const { deliveryId } = payloadSchema.parse(job.payload);
    const row = await db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .leftJoin('connections as c', 'c.id', 'e.connection_id')
      .select([
        'd.id',
        'd.account_id',
        'd.event',
        'd.body',
        'd.status',
        'd.outcome',
        'd.received_at',
        'd.endpoint_id',
      ])
      .select(['e.kind', 'e.connection_id', 'c.target'])
      .where('d.id', '=', deliveryId)
      .where('d.account_id', '=', job.accountId ?? '')
      .executeTakeFirst();
    // Removed with its connection since it was queued: nothing left to do.
    if (!row) return { status: 'gone', events: 0, handled: 0 };
    if (row.status === 'processed' || row.status === 'ignored') {
      return { status: row.status, events: 0, handled: 0, ...(row.outcome ? { reason: row.outcome } : {}) };
    }
    if (!isWebhookKind(row.kind)) {
      const reason = `No receiver for webhook kind "${row.kind.slice(0, 50)}" in this version of scm-connect.`;
      await markDelivery(db, row.id, 'failed', reason);
      return { status: 'failed', events: 0, handled: 0, reason };
    }
    let events: readonly WebhookEvent[];
    let ignoredReason: string | undefined;
    try {
      const parsed = webhookReceivers[row.kind].parse({
        event: row.event,
        body: row.body,
        ...(row.target ? { organization: row.target } : {}),
      });
      events = parsed.events;
      ignoredReason = parsed.ignored;
    } catch (error) {
      if (!(error instanceof WebhookPayloadError)) throw error;
      await markDelivery(db, row.id, 'failed', error.message);
      logger.warn({ event: row.event }, 'webhook delivery could not be read');
      return { status: 'failed', events: 0, handled: 0, reason: error.message };
    }
    const context: WebhookEventContext = {
      accountId: row.account_id,
      connectionId: row.connection_id,
      endpointId: row.endpoint_id,
      deliveryId: row.id,
      receivedAt: row.received_at,
      logger,
      signal,
    };
    let handled = 0;
    try {
      for (const event of events) {
        signal.throwIfAborted();
        const handler = handlers[event.type] as WebhookEventHandler<typeof event.type> | undefined;
        if (!handler) continue;
        await handler(event, context);
        handled += 1;
      }
    } catch (error) {
      // A run stopped by a shutdown or a cancel is not a failure of the delivery.
      if (!signal.aborted) await markDelivery(db, row.id, 'failed', safeErrorMessage(error));
      throw error;
    }
    if (handled === 0) {
      const reason = ignoredReason ?? `No handler for ${[...new Set(events.map((e) => e.type))].join(', ')}.`;
      await markDelivery(db, row.id, 'ignored', reason);
      return { status: 'ignored', events: events.length, handled, reason };
    }
    await markDelivery(db, row.id, 'processed', `${handled} of ${events.length} events handled.`);
    return { status: 'processed', events: events.length, handled };
  };
}
