import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../../db/audit.js';
import { findConnectionRow, healthy, needsAttention, updateConnection } from '../../db/connections.js';
import { appKeyOf } from '../../github-apps/registry.js';
import { readInstallation } from '../../scm/github/installation-checks.js';
import type { InstallationEvent } from '../../scm/webhook-receiver.js';
import type { WebhookEventContext, WebhookEventHandlers } from '../../webhooks/process-job.js';
import { enqueueSync } from '../service.js';
import { linkInstallation } from './link-installation.js';

type Ctx = Pick<ServiceContext, 'db' | 'secrets' | 'githubApps'>;

/**
 * What GitHub App installation events do to the connection that linked the installation. An uninstall or a
 * suspension marks it as needing attention with what to do (a GitHub Enterprise Server connection only when no
 * other installation of its app still works); an unsuspension, a new repository selection or a new
 * installation queue a sync. A GitHub Enterprise Server connection's app installed on a further organization
 * (through its public link) links that organization to the connection, once the app's JWT confirms it.
 */
export function createInstallationEventHandlers(ctx: Ctx): WebhookEventHandlers {
  const linksOf = async (context: WebhookEventContext) => {
    if (context.connectionId === null) return [];
    return ctx.db
      .selectFrom('github_installations')
      .select(['id', 'installation_id', 'removed_at'])
      .where('account_id', '=', context.accountId)
      .where('connection_id', '=', context.connectionId)
      .execute();
  };
  const linkOf = async (context: WebhookEventContext, event: InstallationEvent) =>
    (await linksOf(context)).find((link) => link.installation_id === event.installationId);

  const mark = async (
    context: WebhookEventContext,
    event: InstallationEvent,
    change: { suspended_at?: string | null; removed_at?: string | null },
    problem: { code: string; message: string } | null,
  ) => {
    const connectionId = context.connectionId;
    const link = await linkOf(context, event);
    if (!link || connectionId === null) return;
    const others = (await linksOf(context)).filter((l) => l.id !== link.id && l.removed_at === null);
    const at = new Date().toISOString();
    await ctx.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('github_installations')
        .set({ ...change, updated_at: at })
        .where('id', '=', link.id)
        .execute();
      // Another organization's installation still works: the connection goes on without this one.
      if (!problem || others.length === 0) {
        await updateConnection(
          tx,
          context.accountId,
          connectionId,
          problem ? needsAttention(problem, 'sync', at) : healthy,
        );
      }
      await recordAudit(tx, {
        accountId: context.accountId,
        actorUserId: null,
        action: `github.${event.type}`,
        target: connectionId,
        details: { installationId: event.installationId, organization: event.account.login },
      });
    });
    if (!problem || others.length > 0) {
      await enqueueSync(ctx.db, context.accountId, connectionId, 'webhook');
    }
  };

  const resync = async (context: WebhookEventContext, event: InstallationEvent) => {
    if (!(await linkOf(context, event)) || context.connectionId === null) return;
    await enqueueSync(ctx.db, context.accountId, context.connectionId, 'webhook');
  };

  /** A further organization installed a GitHub Enterprise Server connection's app: link it, as GitHub confirms it. */
  const linkFurther = async (context: WebhookEventContext, event: InstallationEvent) => {
    if (context.connectionId === null || (await linkOf(context, event))) return false;
    const row = await findConnectionRow(ctx.db, context.accountId, context.connectionId);
    if (row?.kind !== 'github-enterprise') return false;
    const credentials = await ctx.githubApps.connectionApp(context.accountId, context.connectionId);
    if (!credentials) return false;
    const clients = ctx.githubApps.clients(credentials, context.accountId);
    const installation = await readInstallation(clients.app(), event.installationId);
    if (installation.appId !== credentials.appId) return false;
    await linkInstallation(ctx.db, ctx.secrets, {
      accountId: context.accountId,
      userId: null,
      connectionId: context.connectionId,
      setupAction: 'install',
      now: new Date(),
      installation: {
        app: appKeyOf(credentials),
        installationId: installation.installationId,
        account: installation.account,
        repositorySelection: installation.repositorySelection,
        suspendedAt: installation.suspendedAt,
        gitHubUser: event.sender
          ? { id: event.sender.externalId, login: event.sender.login }
          : { id: installation.account.id, login: installation.account.login },
      },
    });
    return true;
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
          message: `The GitHub App was uninstalled from ${login}. Install it again (Connect to GitHub, or the app's public link), or remove this connection.`,
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
    'installation.created': async (event, context) => {
      if (!(await linkFurther(context, event))) await resync(context, event);
    },
  };
}
