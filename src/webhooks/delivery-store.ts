import { timeOrderedId } from '../core/ids.js';
import type { Db } from '../db/database.js';
import { enqueueJobs } from '../jobs/index.js';
import { webhookProcessJobKind } from './process-job.js';

/** A verified delivery to keep. */
export interface DeliveryToStore {
  readonly endpoint: {
    readonly id: string;
    readonly accountId: string;
    readonly connectionId: string | null;
  };
  readonly deliveryId: string;
  readonly event: string;
  /** The raw body as UTF-8 text. */
  readonly body: string;
  readonly bodyBytes: number;
}

/** `accepted`: stored and queued now; `duplicate`: this endpoint already has the delivery id, nothing done. */
export type StoreOutcome =
  { readonly status: 'accepted'; readonly id: string } | { readonly status: 'duplicate' };

export interface DeliveryStore {
  /** Resolves once the delivery and its `webhook.process` job are committed (or it was already there). */
  store(delivery: DeliveryToStore): Promise<StoreOutcome>;
}

export interface DeliveryStoreOptions {
  readonly db: Db;
  /** Deliveries written by one transaction at most; default 200. */
  readonly maxBatch?: number;
  /** Body bytes one transaction writes at most (a larger body goes alone); default 8 MB. */
  readonly maxBatchBytes?: number;
}

interface Pending {
  readonly delivery: DeliveryToStore;
  resolve(outcome: StoreOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit: deliveries that arrive while a transaction is being written wait for the next one, so under load
 * one transaction stores many deliveries (their rows, their jobs, the endpoints' last-delivery time) and each
 * sender is answered once its delivery is durable. A batch that fails is written again delivery by delivery, so
 * one bad delivery fails alone.
 */
export function createDeliveryStore(options: DeliveryStoreOptions): DeliveryStore {
  const { db } = options;
  const maxBatch = options.maxBatch ?? 200;
  const maxBatchBytes = options.maxBatchBytes ?? 8 * 1024 * 1024;
  const queue: Pending[] = [];
  let writing = false;

  function takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    while (queue.length > 0 && batch.length < maxBatch) {
      const next = queue[0]!;
      if (batch.length > 0 && bytes + next.delivery.bodyBytes > maxBatchBytes) break;
      bytes += next.delivery.bodyBytes;
      batch.push(queue.shift()!);
    }
    return batch;
  }

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch = takeBatch();
        try {
          const outcomes = await db.transaction().execute((tx) =>
            writeBatch(
              tx,
              batch.map((p) => p.delivery),
            ),
          );
          batch.forEach((pending, i) => pending.resolve(outcomes[i]!));
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          else await writeOneByOne(batch);
        }
      }
    } finally {
      writing = false;
    }
  }

  async function writeOneByOne(batch: readonly Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        const [outcome] = await db.transaction().execute((tx) => writeBatch(tx, [pending.delivery]));
        pending.resolve(outcome!);
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  return {
    store(delivery) {
      return new Promise<StoreOutcome>((resolve, reject) => {
        queue.push({ delivery, resolve, reject });
        // Deliveries read in the same turn of the event loop join this batch.
        if (!writing) {
          writing = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}

const keyOf = (d: DeliveryToStore) => `${d.endpoint.id}\u0000${d.deliveryId}`;

/** Rows for the new deliveries, one job each, and the endpoints' last-delivery time, in the caller's transaction. */
async function writeBatch(tx: Db, deliveries: readonly DeliveryToStore[]): Promise<StoreOutcome[]> {
  const now = new Date().toISOString();
  const firstOfKey = new Map<string, number>();
  deliveries.forEach((d, i) => {
    if (!firstOfKey.has(keyOf(d))) firstOfKey.set(keyOf(d), i);
  });
  const rows = [...firstOfKey.values()].map((i) => {
    const d = deliveries[i]!;
    return {
      id: timeOrderedId(),
      account_id: d.endpoint.accountId,
      endpoint_id: d.endpoint.id,
      delivery_id: d.deliveryId,
      event: d.event,
      received_at: now,
      body: d.body,
      body_bytes: d.bodyBytes,
      status: 'received' as const,
      outcome: null,
      processed_at: null,
    };
  });
  const inserted = await tx
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['endpoint_id', 'delivery_id']).doNothing())
    .returning('id')
    .execute();
  const insertedIds = new Set(inserted.map((row) => row.id));
  const created = rows.filter((row) => insertedIds.has(row.id));
  await enqueueJobs(
    tx,
    created.map((row) => {
      const connectionId =
        deliveries[firstOfKey.get(`${row.endpoint_id}\u0000${row.delivery_id}`)!]!.endpoint.connectionId;
      return {
        accountId: row.account_id,
        kind: webhookProcessJobKind,
        payload: connectionId === null ? { deliveryId: row.id } : { deliveryId: row.id, connectionId },
      };
    }),
  );
  const endpointIds = [...new Set(deliveries.map((d) => d.endpoint.id))];
  await tx
    .updateTable('webhook_endpoints')
    .set({ last_delivery_at: now })
    .where('id', 'in', endpointIds)
    .execute();
  const createdByKey = new Map(created.map((row) => [`${row.endpoint_id}\u0000${row.delivery_id}`, row.id]));
  return deliveries.map((d, i) => {
    const id = createdByKey.get(keyOf(d));
    return id !== undefined && firstOfKey.get(keyOf(d)) === i
      ? { status: 'accepted', id }
      : { status: 'duplicate' };
  });
}
