import { randomUUID } from 'node:crypto';
import type { TwinRequest } from '../server/twin-server.js';
import { empty, type BitbucketApi } from './api.js';
import { bbError, needs, notForAccessTokens, type BitbucketCaller, type BitbucketNeed } from './auth.js';
import type { BitbucketHook, BitbucketWorkspace } from './state.js';
import { page } from './views.js';

interface HookBody {
  url?: unknown;
  description?: unknown;
  active?: unknown;
  events?: unknown;
  secret?: unknown;
}

/** The `events` enum of the Reference's `webhook_subscription`. */
export const hookEvents: readonly string[] = [
  'issue:comment_created',
  'issue:created',
  'issue:updated',
  'pipeline:span_created',
  'project:updated',
  'pullrequest:approved',
  'pullrequest:changes_request_created',
  'pullrequest:changes_request_removed',
  'pullrequest:comment_created',
  'pullrequest:comment_deleted',
  'pullrequest:comment_reopened',
  'pullrequest:comment_resolved',
  'pullrequest:comment_updated',
  'pullrequest:created',
  'pullrequest:fulfilled',
  'pullrequest:push',
  'pullrequest:rejected',
  'pullrequest:unapproved',
  'pullrequest:updated',
  'repo:commit_comment_created',
  'repo:commit_status_created',
  'repo:commit_status_updated',
  'repo:created',
  'repo:deleted',
  'repo:fork',
  'repo:imported',
  'repo:push',
  'repo:transfer',
  'repo:updated',
];

/**
 * "This call requires the webhook scope, as well as any scope that applies to the events that the webhook
 * subscribes to" (Reference, "Create a webhook for a workspace"): repository events need repository read,
 * pull request events pull request read.
 */
export function requireEventScopes(caller: BitbucketCaller, events: readonly string[]): void {
  if (events.some((e) => e.startsWith('repo:'))) caller.require(needs.repoRead);
  if (events.some((e) => e.startsWith('pullrequest:'))) caller.require(needs.prRead);
}

/** Reads and validates a webhook body; shared by workspace and repository hooks. */
export function hookFrom(
  request: TwinRequest,
  subjectType: 'workspace' | 'repository',
  existing?: BitbucketHook,
) {
  const body = (request.json<HookBody>() ?? {}) as HookBody;
  const url = typeof body.url === 'string' ? body.url : existing?.url;
  const events = Array.isArray(body.events) ? body.events.map(String) : existing?.events;
  if (!url || !/^https?:\/\//.test(url)) throw bbError(400, 'Invalid URL', { url: ['Enter a valid URL.'] });
  if (!events || events.length === 0) throw bbError(400, 'events: This field is required.');
  const unknown = events.filter((e) => !hookEvents.includes(e));
  if (unknown.length > 0) throw bbError(400, `Invalid event(s): ${unknown.join(', ')}`);
  const hook: BitbucketHook = existing ?? {
    uuid: `{${randomUUID()}}`,
    url,
    description: '',
    events: [],
    active: true,
    secret: undefined,
    subjectType,
    createdAt: new Date().toISOString(),
  };
  hook.url = url;
  hook.events = events;
  if (typeof body.description === 'string') hook.description = body.description;
  if (typeof body.active === 'boolean') hook.active = body.active;
  // `null` or "" removes the secret, leaving it out keeps it; it is never answered (`secret_set` only).
  if (body.secret === null || body.secret === '') hook.secret = undefined;
  else if (typeof body.secret === 'string') {
    if (body.secret.length > 128)
      throw bbError(400, 'secret: Ensure this field has no more than 128 characters.');
    hook.secret = body.secret;
  }
  return hook;
}

/** `/user`, workspaces, their members, permissions and webhooks. */
export function addWorkspaceRoutes(api: BitbucketApi): void {
  const { state, views } = api;

  const membership = (workspace: BitbucketWorkspace, accountId: string, withPermission: boolean) => ({
    type: 'workspace_membership',
    ...(withPermission ? { permission: workspace.members.get(accountId) } : {}),
    user: views.actor(state.users.get(accountId)!),
    workspace: views.workspaceRef(workspace),
    links: {
      self: {
        href: `${views.workspace(workspace).links.self.href}/members/${encodeURIComponent(accountId)}`,
      },
    },
  });

  api.get('/user', (_request, caller) => {
    if (!caller.user) throw notForAccessTokens();
    caller.require(needs.user);
    return {
      body: {
        ...views.actor(caller.user),
        account_status: 'active',
        has_2fa_enabled: null,
        is_staff: false,
        created_on: '2024-01-01T00:00:00.000000+00:00',
      },
    };
  });

  api.get('/user/workspaces/:workspace/permission', (request, caller) => {
    if (!caller.user) throw notForAccessTokens();
    caller.require(needs.workspaceRead);
    const workspace = state.workspace(request.params.workspace!);
    if (!workspace || !caller.canReachWorkspace(workspace))
      throw bbError(403, 'You do not have access to this workspace.');
    return { body: membership(workspace, caller.user.accountId, true) };
  });

  api.get('/workspaces/:workspace', (request, caller) => {
    caller.require(needs.workspaceRead);
    return { body: views.workspace(api.workspace(caller, request.params.workspace!)) };
  });

  api.get('/workspaces/:workspace/projects', (request, caller) => {
    caller.require(needs.projectRead);
    const workspace = api.workspace(caller, request.params.workspace!);
    return {
      body: page(request, [...workspace.projects.values()], (p) => ({
        type: 'project',
        key: p.key,
        uuid: p.uuid,
        name: p.name,
      })),
    };
  });

  api.get('/workspaces/:workspace/members', (request, caller) => {
    caller.require(needs.members);
    const workspace = api.workspace(caller, request.params.workspace!);
    return { body: page(request, [...workspace.members.keys()], (id) => membership(workspace, id, false)) };
  });

  api.get('/workspaces/:workspace/permissions', (request, caller) => {
    if (caller.accessToken) throw notForAccessTokens();
    caller.require(needs.members);
    const workspace = api.workspace(caller, request.params.workspace!);
    const wanted = /permission\s*=\s*"(\w+)"/.exec(request.url.searchParams.get('q') ?? '')?.[1];
    const ids = [...workspace.members.entries()].filter(([, p]) => !wanted || p === wanted).map(([id]) => id);
    return { body: page(request, ids, (id) => membership(workspace, id, true)) };
  });

  const requireHookAdmin = (caller: BitbucketCaller, workspace: BitbucketWorkspace, need: BitbucketNeed) => {
    caller.require(need);
    if (
      caller.accessToken
        ? caller.accessToken.kind !== 'workspace'
        : caller.permissionIn(workspace) !== 'owner'
    )
      throw bbError(403, 'You must be an administrator of this workspace to manage its webhooks.');
  };
  const findHook = (hooks: BitbucketHook[], uid: string) => {
    const hook = hooks.find((h) => h.uuid === uid || h.uuid === `{${uid}}`);
    if (!hook) throw bbError(404, 'Webhook not found');
    return hook;
  };

  api.get('/workspaces/:workspace/hooks', (request, caller) => {
    const workspace = api.workspace(caller, request.params.workspace!);
    requireHookAdmin(caller, workspace, needs.hooksRead);
    return { body: page(request, workspace.hooks, (h) => views.hook(h, views.workspaceRef(workspace))) };
  });

  api.post('/workspaces/:workspace/hooks', (request, caller) => {
    const workspace = api.workspace(caller, request.params.workspace!);
    requireHookAdmin(caller, workspace, needs.hooksWrite);
    const hook = hookFrom(request, 'workspace');
    requireEventScopes(caller, hook.events);
    workspace.hooks.push(hook);
    return { status: 201, body: views.hook(hook, views.workspaceRef(workspace)) };
  });

  api.get('/workspaces/:workspace/hooks/:uid', (request, caller) => {
    const workspace = api.workspace(caller, request.params.workspace!);
    requireHookAdmin(caller, workspace, needs.hooksRead);
    return {
      body: views.hook(findHook(workspace.hooks, request.params.uid!), views.workspaceRef(workspace)),
    };
  });

  api.put('/workspaces/:workspace/hooks/:uid', (request, caller) => {
    const workspace = api.workspace(caller, request.params.workspace!);
    requireHookAdmin(caller, workspace, needs.hooksWrite);
    const existing = findHook(workspace.hooks, request.params.uid!);
    const hook = hookFrom(request, 'workspace', { ...existing, events: [...existing.events] });
    requireEventScopes(caller, hook.events);
    Object.assign(existing, hook);
    return { body: views.hook(existing, views.workspaceRef(workspace)) };
  });

  api.delete('/workspaces/:workspace/hooks/:uid', (request, caller) => {
    const workspace = api.workspace(caller, request.params.workspace!);
    requireHookAdmin(caller, workspace, needs.hooksDelete);
    workspace.hooks.splice(workspace.hooks.indexOf(findHook(workspace.hooks, request.params.uid!)), 1);
    return empty(204);
  });
}
