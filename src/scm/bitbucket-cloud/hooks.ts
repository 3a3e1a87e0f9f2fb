import { ScmError } from '../errors.js';
import type { HookTarget, RegisteredHook, WebhookRegistrar } from '../provider.js';
import type { BitbucketAnswer, BitbucketHookBody } from './client.js';
import {
  scopeRefusalOf,
  tokenRefused,
  workspaceSlugOf,
  type BitbucketContext,
  type BitbucketCredential,
} from './connection-checks.js';

/**
 * The events scm-connect's workspace hook subscribes to: what `webhooks.ts` turns into inventory events, and
 * the pull request events of comments (triage by reply) and of closing or merging. Bitbucket Cloud has no
 * archived repositories, so there is no archive event.
 */
export const bitbucketCloudHookEvents = [
  'repo:push',
  'repo:created',
  'repo:updated',
  'repo:transfer',
  'repo:deleted',
  'pullrequest:comment_created',
  'pullrequest:fulfilled',
  'pullrequest:rejected',
] as const;

/**
 * Scopes that manage workspace hooks. Creating one also needs the scopes of its events: `repository` /
 * `read:repository:bitbucket` (which every connection has) and, for the pull request events,
 * `pullrequest` / `read:pullrequest:bitbucket`.
 */
export const hookScopes: Readonly<Record<BitbucketCredential, readonly string[]>> = {
  'access-token': ['webhook', 'pullrequest'],
  'api-token': [
    'read:webhook:bitbucket',
    'write:webhook:bitbucket',
    'delete:webhook:bitbucket',
    'read:pullrequest:bitbucket',
  ],
};

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');

/** How to get a credential that may manage the workspace's hooks. */
export function hookScopeFix(credential: BitbucketCredential): string {
  return credential === 'access-token'
    ? `Create a workspace access token (Workspace settings > Access tokens) with the ${quoted(['repository', ...hookScopes['access-token']])} scopes and update the connection.`
    : `Create an Atlassian API token with the ${quoted(['read:repository:bitbucket', ...hookScopes['api-token']])} scopes, for an account that is an administrator of the workspace, and update the connection.`;
}

/** A 403 from a hook call: a missing scope when Bitbucket names the required ones, else not a workspace admin. */
export function hookRefusal(
  context: BitbucketContext,
  workspace: string,
  answer: Extract<BitbucketAnswer<unknown>, { ok: false }>,
): ScmError {
  if (answer.status === 401) return tokenRefused(context.credential);
  const { required } = scopeRefusalOf(answer);
  if (required?.length) {
    return new ScmError(
      'forbidden',
      `The token lacks ${quoted(required)}, which managing the webhooks of workspace \`${workspace}\` needs.`,
      { code: 'insufficient_scopes', status: answer.status, fix: hookScopeFix(context.credential) },
    );
  }
  return new ScmError(
    'forbidden',
    `Bitbucket refused to let the token manage the webhooks of workspace \`${workspace}\`: only workspace administrators may.`,
    {
      code: 'insufficient_permissions',
      status: answer.status,
      fix:
        context.credential === 'access-token'
          ? hookScopeFix(context.credential)
          : `Make the account of the API token an administrator of \`${workspace}\` (Workspace settings > User groups / Permissions), or ${hookScopeFix(context.credential).replace(/^Create/, 'create')}`,
    },
  );
}

const workspaceGone = (workspace: string) =>
  new ScmError(
    'not-found',
    `Bitbucket workspace \`${workspace}\` was not found, or the token cannot see it.`,
    {
      code: 'target_not_found',
      status: 404,
      fix: `Check the workspace slug as it appears in its URL (https://bitbucket.org/${workspace}/).`,
    },
  );

/** Registers scm-connect's hook on the connection's workspace (workspace hooks see every repository in it). */
export function createBitbucketCloudHooks(context: BitbucketContext): WebhookRegistrar {
  const { client } = context;
  const fail = (workspace: string, answer: Extract<BitbucketAnswer<unknown>, { ok: false }>) =>
    answer.status === 404 ? workspaceGone(workspace) : hookRefusal(context, workspace, answer);

  return {
    async registerHook(target: HookTarget): Promise<RegisteredHook> {
      const workspace = workspaceSlugOf(context.target);
      const body: BitbucketHookBody = {
        description: 'scm-connect: repository, push and pull request events',
        url: target.url,
        active: true,
        secret: target.secret,
        events: bitbucketCloudHookEvents,
      };
      // The listing is probed first so that a refusal is read (scopes, admin) rather than thrown.
      const probe = await client.probeHooks(workspace);
      if (!probe.ok) throw fail(workspace, probe);
      const existing: string[] = [];
      for await (const hook of client.hooks(workspace)) if (hook.url === target.url) existing.push(hook.uuid);

      const [keep, ...duplicates] = existing;
      if (keep !== undefined) {
        const updated = await client.updateHook(workspace, keep, body);
        if (updated.ok) {
          for (const uid of duplicates) {
            const removed = await client.deleteHook(workspace, uid);
            if (!removed.ok && removed.status !== 404) throw fail(workspace, removed);
          }
          return { hookIds: [updated.data.uuid] };
        }
        // A hook deleted since the listing is created again below.
        if (updated.status !== 404) throw fail(workspace, updated);
      }
      const created = await client.createHook(workspace, body);
      if (!created.ok) throw fail(workspace, created);
      return { hookIds: [created.data.uuid] };
    },

    async removeHook(hook: RegisteredHook): Promise<void> {
      const workspace = workspaceSlugOf(context.target);
      for (const uid of hook.hookIds) {
        const removed = await client.deleteHook(workspace, uid);
        if (!removed.ok && removed.status !== 404) throw hookRefusal(context, workspace, removed);
      }
    },
  };
}
