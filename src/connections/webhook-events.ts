import type { ServiceContext } from '../context.js';
import type { WebhookRepository } from '../scm/webhook-receiver.js';
import type { WebhookEventContext, WebhookEventHandlers } from '../webhooks/process-job.js';
import { enqueueSync } from './service.js';

/**
 * What webhook events do to the inventory. Deliveries can arrive out of order (a rename after the delete, two
 * renames reversed), so no event is applied as it says: each queues a sync of its connection, which reads the
 * current state from the SCM. The sync still queued is reused, so a burst of events costs one sync.
 */
export function createInventoryEventHandlers(ctx: Pick<ServiceContext, 'db'>): WebhookEventHandlers {
  const resync = async (context: WebhookEventContext) => {
    if (context.connectionId === null) return;
    await enqueueSync(ctx.db, context.accountId, context.connectionId, 'webhook');
  };
  /** A push changes what the inventory holds only for a repository it does not know yet or knows as empty. */
  const pushMatters = async (context: WebhookEventContext, repository: WebhookRepository) => {
    if (context.connectionId === null) return false;
    const stored = await ctx.db
      .selectFrom('repositories')
      .select('default_branch')
      .where('account_id', '=', context.accountId)
      .where('connection_id', '=', context.connectionId)
      .where('external_id', '=', repository.externalId)
      .executeTakeFirst();
    return !stored || stored.default_branch === null;
  };
  return {
    'repository.created': (_event, context) => resync(context),
    'repository.deleted': (_event, context) => resync(context),
    'repository.archived': (_event, context) => resync(context),
    'repository.unarchived': (_event, context) => resync(context),
    'repository.updated': (_event, context) => resync(context),
    'repository.renamed': (_event, context) => resync(context),
    'repository.moved': (_event, context) => resync(context),
    push: async (event, context) => {
      if (await pushMatters(context, event.repository)) await resync(context);
    },
  };
}
