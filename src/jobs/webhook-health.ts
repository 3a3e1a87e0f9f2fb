import type { Db } from '../db/database.js';
import type { JobHandler } from './worker.js';

/** The hourly look at one account's webhooks: one job per account with connections. */
export const webhookHealthJobKind = 'account.webhook-health';

/** What webhook storage knows of one connection's hook. */
export interface WebhookEndpointState {
  /** A hook endpoint is registered on the SCM for this connection. */
  readonly registered: boolean;
  /** When the newest delivery arrived (ISO 8601); null when none has. */
  readonly lastDeliveryAt: string | null;
  /** Why the hook could not be registered, when it was tried. */
  readonly problem: string | null;
}

/**
 * Where webhook health is read from: the webhook storage, which answers for the connections it knows and leaves
 * out the others.
 */
export interface WebhookHealthSource {
  read(
    accountId: string,
    connectionIds: readonly string[],
  ): Promise<ReadonlyMap<string, WebhookEndpointState>>;
}

export interface ConnectionWebhookHealth {
  readonly connectionId: string;
  /** `registered`, `missing`, or `unknown` when webhook storage has no answer for the connection. */
  readonly endpoint: 'registered' | 'missing' | 'unknown';
  readonly lastDeliveryAt: string | null;
  readonly message: string;
}

export interface WebhookHealthReport {
  readonly checkedAt: string;
  readonly connections: readonly ConnectionWebhookHealth[];
}

/** Records, per connection of the account, whether a hook endpoint exists and when it last received a delivery. */
export async function checkWebhookHealth(
  db: Db,
  source: WebhookHealthSource,
  accountId: string,
  now: Date,
): Promise<WebhookHealthReport> {
  const rows = await db
    .selectFrom('connections')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const ids = rows.map((row) => row.id);
  const states = ids.length > 0 ? await source.read(accountId, ids) : new Map<string, WebhookEndpointState>();
  return {
    checkedAt: now.toISOString(),
    connections: ids.map((connectionId) => describe(connectionId, states.get(connectionId))),
  };
}

function describe(connectionId: string, state: WebhookEndpointState | undefined): ConnectionWebhookHealth {
  if (!state) {
    return {
      connectionId,
      endpoint: 'unknown',
      lastDeliveryAt: null,
      message: 'No webhook is recorded for this connection.',
    };
  }
  if (!state.registered) {
    return {
      connectionId,
      endpoint: 'missing',
      lastDeliveryAt: state.lastDeliveryAt,
      message: state.problem ?? 'No hook endpoint is registered on the SCM for this connection.',
    };
  }
  return {
    connectionId,
    endpoint: 'registered',
    lastDeliveryAt: state.lastDeliveryAt,
    message: state.lastDeliveryAt
      ? `The hook endpoint last received a delivery at ${state.lastDeliveryAt}.`
      : 'The hook endpoint is registered but has received no delivery yet.',
  };
}

export const createWebhookHealthHandler =
  (db: Db, source: WebhookHealthSource): JobHandler =>
  (job) =>
    checkWebhookHealth(db, source, job.accountId!, new Date());
