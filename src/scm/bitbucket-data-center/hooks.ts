import { ScmError } from '../errors.js';
import type { HookTarget, RegisteredHook, WebhookRegistrar } from '../provider.js';
import type { BbdcAnswer, BbdcWebhookBody } from './client.js';
import { invalidCredentials, projectNotFound, type BbdcContext } from './connection-checks.js';

/**
 * The events scm-connect's project webhook subscribes to: what `webhooks.ts` turns into inventory and pull
 * request events. Data Center offers no repository created, deleted or archived event: `repo:modified` reports
 * renames, moves between projects and (from 8.0) archiving; the scheduled sync finds created and deleted
 * repositories. `pr:comment:added` carries triage replies; `pr:merged`, `pr:declined` and `pr:deleted` end a
 * pull request.
 */
export const bbdcHookEvents = [
  'repo:refs_changed',
  'repo:modified',
  'pr:comment:added',
  'pr:merged',
  'pr:declined',
  'pr:deleted',
] as const;

type Refused = Extract<BbdcAnswer<unknown>, { ok: false }>;

/** How to get a token that may manage the project's webhooks. */
export const webhookPermissionFix = (ctx: BbdcContext) =>
  `Create an HTTP access token in project ${ctx.projectKey} (Project settings > HTTP access tokens) with Project admin, then update the connection.`;

/** The ScmError for a refused webhook call. */
export function webhookRefusal(ctx: BbdcContext, answer: Refused): ScmError {
  switch (answer.refusal) {
    case 'bad-credentials':
      return invalidCredentials(ctx, answer.status);
    case 'not-permitted':
      return new ScmError(
        'forbidden',
        `The token cannot manage the webhooks of project ${ctx.projectKey}: that needs Project admin (PROJECT_ADMIN).`,
        { code: 'insufficient_permissions', status: answer.status, fix: webhookPermissionFix(ctx) },
      );
    case 'not-found':
      return projectNotFound(ctx);
    case 'rejected':
      return new ScmError(
        'invalid',
        `Bitbucket Data Center at ${ctx.webRoot} rejected scm-connect's webhook (${answer.status}).`,
        {
          code: 'webhook_rejected',
          status: answer.status,
          fix: 'Check that the instance may deliver to scm-connect’s public URL (Data Center 7.x or later has project webhooks).',
        },
      );
  }
}

/** A name per endpoint (`scm-connect (<hook id>)`), so that two connections to one project stay apart. */
function hookName(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
  return `scm-connect${last ? ` (${decodeURIComponent(last).slice(0, 80)})` : ''}`;
}

/** Registers scm-connect's webhook on the connection's project (project webhooks see every repository in it). */
export function createBbdcHooks(ctx: BbdcContext): WebhookRegistrar {
  const { client, projectKey } = ctx;
  return {
    async registerHook(target: HookTarget): Promise<RegisteredHook> {
      const body: BbdcWebhookBody = {
        name: hookName(target.url),
        url: target.url,
        active: true,
        events: bbdcHookEvents,
        configuration: { secret: target.secret },
      };
      // One page first, so that a refusal is read (401 AuthorisationException) rather than thrown.
      const first = await client.firstWebhook(projectKey);
      if (!first.ok) throw webhookRefusal(ctx, first);
      const existing: string[] = [];
      for await (const hook of client.webhooks(projectKey))
        if (hook.url === target.url) existing.push(hook.id);

      const [keep, ...duplicates] = existing;
      if (keep !== undefined) {
        const updated = await client.updateWebhook(projectKey, keep, body);
        if (updated.ok) {
          for (const id of duplicates) {
            const removed = await client.deleteWebhook(projectKey, id);
            if (!removed.ok && removed.status !== 404) throw webhookRefusal(ctx, removed);
          }
          return { hookIds: [updated.data.id] };
        }
        // A webhook deleted since the listing is created again below.
        if (updated.status !== 404) throw webhookRefusal(ctx, updated);
      }
      const created = await client.createWebhook(projectKey, body);
      if (!created.ok) throw webhookRefusal(ctx, created);
      return { hookIds: [created.data.id] };
    },

    async removeHook(hook: RegisteredHook): Promise<void> {
      for (const id of hook.hookIds) {
        const removed = await client.deleteWebhook(projectKey, id);
        if (!removed.ok && removed.refusal !== 'not-found') throw webhookRefusal(ctx, removed);
      }
    },
  };
}
