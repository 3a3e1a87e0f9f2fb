import type { Logger } from 'pino';
import type { ServiceContext } from '../../context.js';
import type { JobHandler } from '../../jobs/index.js';
import {
  deliveriesToRetry,
  recentDeliveries,
  redeliver,
  redeliveryWindowMs,
} from '../../scm/github/app-deliveries.js';

/** The hourly look at every GitHub App's failed deliveries. */
export const redeliverJobKind = 'github.redeliver-failed';
export const redeliverEveryMs = 3_600_000;

/** An event GitHub could not deliver is asked for again this many times at most (counting the first try). */
const maxAttempts = 4;
/** Deliveries close to the end of GitHub's window may be gone by the time they are asked for. */
const windowMarginMs = 3_600_000;

export interface RedeliverResult {
  readonly apps: number;
  readonly events: number;
  readonly redelivered: number;
  /** Apps whose deliveries could not be read (their error is logged). */
  readonly failed: number;
}

type Ctx = Pick<ServiceContext, 'db' | 'githubApps'>;

/**
 * Recovers what GitHub failed to deliver (scm-connect down, a network fault, a timeout): for each app with a
 * linked installation, lists the app's deliveries of the last three days (GitHub's window) and asks GitHub to
 * deliver again each event that no attempt delivered and that scm-connect does not hold. A redelivery keeps the
 * event's GUID, so one that arrives twice is still stored once.
 */
export async function redeliverFailed(ctx: Ctx, now: Date, logger?: Logger): Promise<RedeliverResult> {
  const apps = await ctx.db
    .selectFrom('github_installations as i')
    .innerJoin('connections as c', 'c.id', 'i.connection_id')
    .select(['i.web_url', 'i.app_id', 'c.kind'])
    .select((eb) => eb.fn.min('i.account_id').as('account_id'))
    .where('i.removed_at', 'is', null)
    .groupBy(['i.web_url', 'i.app_id', 'c.kind'])
    .execute();
  let events = 0;
  let redelivered = 0;
  let failed = 0;
  for (const row of apps) {
    const credentials = await ctx.githubApps.appOf({ webUrl: row.web_url, appId: row.app_id });
    if (!credentials) continue;
    const client = ctx.githubApps
      .clients(credentials, row.kind === 'github-enterprise' ? row.account_id : undefined)
      .app();
    try {
      const recent = await recentDeliveries(
        client,
        new Date(now.getTime() - redeliveryWindowMs + windowMarginMs),
      );
      events += recent.length;
      const stored = await storedDeliveries(
        ctx,
        row.app_id,
        recent.map((event) => event.guid),
      );
      for (const id of deliveriesToRetry(recent, { stored, maxAttempts })) {
        await redeliver(client, id);
        redelivered += 1;
      }
    } catch (error) {
      failed += 1;
      logger?.warn(
        { err: error, appId: row.app_id, webUrl: row.web_url },
        'could not recover GitHub deliveries',
      );
    }
  }
  return { apps: apps.length, events, redelivered, failed };
}

/** Which of `guids` an endpoint of the app's connections holds. */
async function storedDeliveries(ctx: Ctx, appId: string, guids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < guids.length; start += 500) {
    const rows = await ctx.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.delivery_id')
      .where('e.app_id', '=', appId)
      .where('d.delivery_id', 'in', guids.slice(start, start + 500))
      .execute();
    for (const row of rows) found.add(row.delivery_id);
  }
  return found;
}

export const createRedeliverHandler =
  (ctx: Ctx): JobHandler =>
  (_job, context) =>
    redeliverFailed(ctx, new Date(), context.logger);
