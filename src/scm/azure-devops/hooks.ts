import { ScmError } from '../errors.js';
import type { HookTarget, RegisteredHook, WebhookRegistrar } from '../provider.js';
import type { AdoAnswer, AdoSubscriptionBody } from './client.js';
import { invalidCredentials, patFix, type AdoContext } from './connection-checks.js';
import type { AdoSubscription } from './schemas.js';

/**
 * The `tfs` publisher's events scm-connect subscribes to, one subscription each (Service hooks events: Code
 * pushed, Repository created / deleted / renamed / status changed, Pull request commented on, updated and merge
 * attempted), as `webhooks.ts` parses them. A disabled repository is reported as archived; Azure DevOps has no
 * move between projects.
 */
export const azureDevOpsHookEvents = [
  'git.push',
  'git.repo.created',
  'git.repo.renamed',
  'git.repo.deleted',
  'git.repo.statuschanged',
  'ms.vss-code.git-pullrequest-comment-event',
  'git.pullrequest.updated',
  'git.pullrequest.merged',
] as const;

/** The comment event's resource names its pull request from version 2.0 on; the others have one version. */
const resourceVersionOf = (eventType: string) =>
  eventType === 'ms.vss-code.git-pullrequest-comment-event' ? '2.0' : '1.0';

type Refusal = Extract<AdoAnswer<unknown>, { ok: false }>;

const adminsPage = (ctx: AdoContext) =>
  `Organization settings > Permissions > Project Collection Administrators in ${ctx.organization}`;

/** Why Azure DevOps refused a subscription call, naming the scope and the permission to grant. */
export function subscriptionRefusal(ctx: AdoContext, answer: Refusal): ScmError {
  // A sign-in page is a token Azure DevOps did not take; a 401 TF400813 is also how it refuses a missing scope.
  if (answer.refusal === 'bad-credentials' && answer.status !== 401)
    return invalidCredentials(ctx, answer.status);
  if (answer.refusal === 'bad-credentials') {
    return new ScmError(
      'forbidden',
      `Azure DevOps refused the token's call to the service hook subscriptions of ${ctx.organization} (401): the token lacks \`vso.code\` (Code (Read), which carries \`vso.hooks_write\`), or it is no longer valid.`,
      { code: 'insufficient_scopes', status: 401, fix: patFix(ctx, ['vso.code']) },
    );
  }
  if (answer.refusal === 'denied') {
    return new ScmError(
      'forbidden',
      `Azure DevOps refused to let the token manage the service hook subscriptions of ${ctx.organization}: that takes a token with \`vso.code\` (Code (Read), which carries \`vso.hooks_write\`) whose user has the Edit subscriptions permission, as Project Collection Administrators do.`,
      {
        code: 'insufficient_permissions',
        status: answer.status,
        fix: `Add the token's user to ${adminsPage(ctx)} (or grant Edit subscriptions and Delete subscriptions in the ServiceHooks security namespace). ${patFix(ctx, ['vso.code'])}`,
      },
    );
  }
  return new ScmError(
    'invalid',
    `Azure DevOps rejected scm-connect's service hook subscription (${answer.status}).`,
    {
      code: 'upstream_rejected',
      status: answer.status,
      fix: "Check that scm-connect's public URL is https and reachable from Azure DevOps (service hooks refuse basic auth over http and private addresses).",
    },
  );
}

/** `user:password`, split at the first colon. */
function credentialsOf(secret: string): { username: string; password: string } {
  const colon = secret.indexOf(':');
  if (colon < 0) {
    throw new ScmError('invalid', 'The service hook secret must be `username:password`.', {
      code: 'invalid_secret',
    });
  }
  return { username: secret.slice(0, colon), password: secret.slice(colon + 1) };
}

/** Registers one service hook subscription per event on the organization (every project, every repository). */
export function createAzureDevOpsHooks(ctx: AdoContext): WebhookRegistrar {
  const { client } = ctx;

  const bodyFor = (eventType: string, target: HookTarget): AdoSubscriptionBody => {
    const { username, password } = credentialsOf(target.secret);
    return {
      publisherId: 'tfs',
      eventType,
      resourceVersion: resourceVersionOf(eventType),
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      // No projectId: the subscription covers every project of the organization.
      publisherInputs: {},
      consumerInputs: {
        url: target.url,
        basicAuthUsername: username,
        basicAuthPassword: password,
        resourceDetailsToSend: 'all',
        messagesToSend: 'none',
        detailedMessagesToSend: 'none',
      },
    };
  };

  async function remove(id: string): Promise<void> {
    const removed = await client.deleteSubscription(id);
    if (!removed.ok && removed.refusal !== 'not-found') throw subscriptionRefusal(ctx, removed);
  }

  return {
    async registerHook(target: HookTarget): Promise<RegisteredHook> {
      const listed = await client.subscriptions();
      if (!listed.ok) throw subscriptionRefusal(ctx, listed);
      const ours = listed.data.filter(
        (s: AdoSubscription) => s.consumerId === 'webHooks' && s.consumerInputs?.url === target.url,
      );
      const hookIds: string[] = [];
      for (const eventType of azureDevOpsHookEvents) {
        const body = bodyFor(eventType, target);
        const [keep, ...duplicates] = ours.filter((s) => s.eventType === eventType);
        let id: string | undefined;
        if (keep !== undefined) {
          const replaced = await client.replaceSubscription(keep.id, body);
          if (replaced.ok) id = replaced.data.id;
          // One deleted since the listing is created again below.
          else if (replaced.refusal !== 'not-found') throw subscriptionRefusal(ctx, replaced);
        }
        if (id === undefined) {
          const created = await client.createSubscription(body);
          if (!created.ok) throw subscriptionRefusal(ctx, created);
          id = created.data.id;
        }
        for (const duplicate of duplicates) await remove(duplicate.id);
        hookIds.push(id);
      }
      // Subscriptions of ours for events no longer subscribed.
      const events: readonly string[] = azureDevOpsHookEvents;
      for (const stale of ours.filter((s) => !events.includes(s.eventType))) await remove(stale.id);
      return { hookIds };
    },

    async removeHook(hook: RegisteredHook): Promise<void> {
      for (const id of hook.hookIds) await remove(id);
    },
  };
}
