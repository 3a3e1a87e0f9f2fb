import { ScmError } from '../errors.js';
import type { HookTarget, RegisteredHook, WebhookRegistrar } from '../provider.js';
import type { GitLabAnswer, GitLabHookBody } from './client.js';
import { resolveGroup, tokenRefused, type GitLabContext } from './connection-checks.js';
import type { GitLabGroup } from './schemas.js';

/*
 * scm-connect's group hook. Events follow GitLab's "Webhook events": `Push Hook` (push_events), `Project Hook`
 * (project_events: project_create / project_destroy, group hooks only, GitLab 17.6+) and `Member Hook`
 * (member_events), `Note Hook` (note_events: comments on merge requests) and `Merge Request Hook`
 * (merge_requests_events: closed and merged), which `webhooks.ts` parses. GitLab sends no renamed, moved or archived event to group hooks
 * (those are system hooks only), so those changes reach the inventory through the scheduled sync. The "Group
 * webhooks" API returns no signing token, so none is reported.
 */

/** The flags scm-connect's hook sets; every other event GitLab offers is switched off. */
export const gitlabHookEvents: Readonly<Record<string, boolean>> = {
  push_events: true,
  project_events: true,
  member_events: true,
  tag_push_events: false,
  merge_requests_events: true,
  issues_events: false,
  confidential_issues_events: false,
  note_events: true,
  confidential_note_events: false,
  job_events: false,
  pipeline_events: false,
  wiki_page_events: false,
  deployment_events: false,
  releases_events: false,
  subgroup_events: false,
};

type Refusal = Extract<GitLabAnswer<unknown>, { ok: false }>;

const apiScopeFix = 'Create a personal or group access token with the `api` scope and update the connection.';

/** Why GitLab refused a hook call, in words the group's admin can act on. */
export function hookRefusal(context: GitLabContext, group: GitLabGroup, answer: Refusal): ScmError {
  if (answer.status === 401) return tokenRefused(answer.refusal, 401);
  if (answer.status === 403 && answer.refusal.error === 'insufficient_scope') {
    return new ScmError(
      'forbidden',
      `The token lacks the \`api\` scope, which managing the webhooks of group \`${group.full_path}\` needs.`,
      { code: 'insufficient_scopes', status: 403, fix: apiScopeFix },
    );
  }
  if (answer.status === 404) {
    const where =
      context.kind === 'gitlab'
        ? `group \`${group.full_path}\` is on a Free plan of gitlab.com`
        : `the instance at ${context.host} has no Premium or Ultimate license`;
    return new ScmError(
      'forbidden',
      `GitLab did not offer the webhooks of group \`${group.full_path}\`: group webhooks are a Premium and Ultimate feature, and ${where}.`,
      {
        code: 'feature_unavailable',
        status: 404,
        fix:
          context.kind === 'gitlab'
            ? `Upgrade \`${group.full_path}\` to GitLab Premium or Ultimate, or rely on the scheduled sync instead of webhooks.`
            : 'Ask the instance administrator for a Premium or Ultimate license, or rely on the scheduled sync instead of webhooks.',
      },
    );
  }
  return new ScmError(
    'forbidden',
    `GitLab refused to let the token manage the webhooks of group \`${group.full_path}\` (${answer.status}): only the group's Owners and administrators may.`,
    {
      code: 'insufficient_permissions',
      status: answer.status,
      fix: `Give the token's user the Owner role in \`${group.full_path}\` (Manage > Members), or use a group access token with the Owner role and the \`api\` scope.`,
    },
  );
}

/** Registers scm-connect's hook on the connection's top-level group (it sees every subgroup's projects). */
export function createGitLabHooks(context: GitLabContext): WebhookRegistrar {
  const { client } = context;

  return {
    async registerHook(target: HookTarget): Promise<RegisteredHook> {
      const group = await resolveGroup(context);
      const body: GitLabHookBody = {
        url: target.url,
        token: target.secret,
        name: 'scm-connect',
        description: 'scm-connect: repository, push, merge request and comment events',
        enable_ssl_verification: true,
        ...gitlabHookEvents,
      };
      // The first page is asked for on its own so that a refusal is read (scope, role, plan) rather than thrown.
      const probe = await client.probeHooks(group.id);
      if (!probe.ok) throw hookRefusal(context, group, probe);
      const existing: string[] = [];
      for await (const hook of client.hooks(group.id)) if (hook.url === target.url) existing.push(hook.id);

      const [keep, ...duplicates] = existing;
      if (keep !== undefined) {
        const updated = await client.updateHook(group.id, keep, body);
        if (updated.ok) {
          for (const id of duplicates) {
            const removed = await client.deleteHook(group.id, id);
            if (!removed.ok && removed.status !== 404) throw hookRefusal(context, group, removed);
          }
          return { hookIds: [updated.data.id] };
        }
        // A hook deleted since the listing is created again below.
        if (updated.status !== 404) throw hookRefusal(context, group, updated);
      }
      const created = await client.createHook(group.id, body);
      if (!created.ok) throw hookRefusal(context, group, created);
      return { hookIds: [created.data.id] };
    },

    async removeHook(hook: RegisteredHook): Promise<void> {
      const group = await resolveGroup(context);
      for (const id of hook.hookIds) {
        const removed = await client.deleteHook(group.id, id);
        if (!removed.ok && removed.status !== 404) throw hookRefusal(context, group, removed);
      }
    },
  };
}
