import type { GitHubClient } from './app-clients.js';
import { callGitHub } from './request-errors.js';
import { deliverySchema, idOf, parseGitHub, type GitHubDelivery } from './schemas.js';

/** GitHub keeps an app's deliveries for redelivery this long. */
export const redeliveryWindowMs = 3 * 86_400_000;

/** One event GitHub tried to deliver, with every attempt of it (a redelivery keeps the event's GUID). */
export interface DeliveryAttempts {
  readonly guid: string;
  readonly event: string;
  /** Newest first; ids are integer strings. */
  readonly attempts: readonly { readonly id: string; readonly statusCode: number; readonly at: string }[];
}

/**
 * The app's deliveries since `since`, newest first, grouped by event GUID (`GET /app/hook/deliveries`, 100 a
 * page, read with the app's JWT). Paging stops at the first delivery older than `since`.
 */
export async function recentDeliveries(app: GitHubClient, since: Date): Promise<DeliveryAttempts[]> {
  const byGuid = new Map<string, { event: string; attempts: DeliveryAttempts['attempts'][number][] }>();
  // GET /app/hook/deliveries
  const pages = app.paginate.iterator('GET /app/hook/deliveries', { per_page: 100 });
  const iterator = pages[Symbol.asyncIterator]();
  for (let done = false; !done;) {
    const page = await callGitHub("list the app's webhook deliveries", () => iterator.next());
    if (page.done) break;
    for (const item of page.value.data as unknown[]) {
      const delivery: GitHubDelivery = parseGitHub(deliverySchema, item, 'webhook delivery');
      if (Date.parse(delivery.delivered_at) < since.getTime()) {
        done = true;
        break;
      }
      const entry = byGuid.get(delivery.guid) ?? { event: delivery.event, attempts: [] };
      entry.attempts.push({
        id: idOf(delivery.id, 'delivery'),
        statusCode: delivery.status_code,
        at: delivery.delivered_at,
      });
      byGuid.set(delivery.guid, entry);
    }
  }
  return [...byGuid].map(([guid, entry]) => ({ guid, event: entry.event, attempts: entry.attempts }));
}

/**
 * The deliveries worth asking again: no attempt of the event was answered with a 2xx, fewer than `maxAttempts`
 * were made, and scm-connect does not hold it already (it may have stored it and failed only to answer in
 * time). Answers the id of each event's newest attempt.
 */
export function deliveriesToRetry(
  events: readonly DeliveryAttempts[],
  options: { readonly stored: ReadonlySet<string>; readonly maxAttempts: number },
): string[] {
  return events
    .filter((event) => !options.stored.has(event.guid))
    .filter((event) =>
      event.attempts.every((attempt) => attempt.statusCode < 200 || attempt.statusCode > 299),
    )
    .filter((event) => event.attempts.length < options.maxAttempts)
    .map((event) => event.attempts[0]!.id);
}

/** Asks GitHub to deliver again (`POST /app/hook/deliveries/{delivery_id}/attempts`); the GUID stays the same. */
export async function redeliver(app: GitHubClient, deliveryId: string): Promise<void> {
  // POST /app/hook/deliveries/{delivery_id}/attempts
  const id = idOf(deliveryId, 'delivery');
  // The id goes into the path as the digits it came as, never through a number.
  await callGitHub('redeliver a webhook delivery', () =>
    app.request(`POST /app/hook/deliveries/${id}/attempts`),
  );
}
