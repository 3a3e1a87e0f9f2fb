import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../../db/audit.js';
import { healthy, needsAttention, updateConnection } from '../../db/connections.js';
import type { InstallationEvent } from '../../scm/webhook-receiver.js';
import type { WebhookEventContext, WebhookEventHandlers } from '../../webhooks/process-job.js';
import { enqueueSync } from '../service.js';

type Ctx = Pick<ServiceContext, 'db'>;

/**
 * What GitHub App installation events do to the connection that linked the installation: an uninstall or a
 * suspension marks it as needing attention with what to do (and its admins see it on the connection); an
 * unsuspension, a new repository selection or a new installation queue a sync.
 */
export function createInstallationEventHandlers(ctx: Ctx): WebhookEventHandlers {
  const linkOf = async (context: WebhookEventContext, event: InstallationEvent) => {
    if (context.connectionId === null) return undefined;
    return ctx.db
      .selectFrom('github_installations')
      .select(['id', 'target_login'])
      .where('account_id', '=', context.accountId)
      .where('connection_id', '=', context.connectionId)
      .where('installation_id', '=', event.installationId)
      .executeTakeFirst();
  };

  const mark = async (
    context: WebhookEventContext,
    event: InstallationEvent,
    change: { suspended_at?: string | null; removed_at?: string | null },
    problem: { code: string; message: string } | null,
  ) => {
    const link = await linkOf(context, event);
    if (!link || context.connectionId === null) return;
    const at = new Date().toISOString();
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('github_installations')
        .set({ ...change, updated_at: at })
        .where('id', '=', link.id)
        .execute();
      await updateConnection(
        tx,
        context.accountId,
        context.connectionId!,
        problem ? needsAttention(problem, 'sync', at) : healthy,
      );
      await recordAudit(tx, {
        accountId: context.accountId,
        actorUserId: null,
        action: `github.${event.type}`,
        target: context.connectionId!,
        details: { installationId: event.installationId },
      });
    });
    if (!problem) await enqueueSync(ctx.db, context.accountId, context.connectionId, 'webhook');
  };

  const resync = async (context: WebhookEventContext, event: InstallationEvent) => {
    if (!(await linkOf(context, event)) || context.connectionId === null) return;
    await enqueueSync(ctx.db, context.accountId, context.connectionId, 'webhook');
  };

  return {
    'installation.deleted': async (event, context) => {
      const login = event.account.login;
      await mark(
        context,
        event,
        { removed_at: context.receivedAt },
        {
          code: 'installation_removed',
          message: `The GitHub App was uninstalled from ${login}. Install it again with Connect to GitHub, or remove this connection.`,
        },
      );
    },
    'installation.suspended': async (event, context) => {
      const login = event.account.login;
      await mark(
        context,
        event,
        { suspended_at: context.receivedAt },
        {
          code: 'installation_suspended',
          message: `An owner of ${login} suspended the GitHub App, so scm-connect can neither read nor write there. Unsuspend it in ${login}'s settings on GitHub (GitHub Apps > Configure).`,
        },
      );
    },
    'installation.unsuspended': (event, context) => mark(context, event, { suspended_at: null }, null),
    'installation.repositories-changed': (event, context) => resync(context, event),
    'installation.created': (event, context) => resync(context, event),
  };
}
