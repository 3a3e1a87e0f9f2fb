import { TwinHttpError } from '../server/twin-server.js';
import { notFound, type GitLabApi } from './api.js';
import type { GitLabCaller } from './auth.js';
import { randomUUID } from 'node:crypto';
import { flag, optionalString, readFields, requireString } from './body.js';
import { paginate } from './pagination.js';
import type { GitLabGroup, GitLabHook, GitLabMember, GitLabProject } from './state.js';

const hookEvents = [
  'push_events',
  'tag_push_events',
  'merge_requests_events',
  'note_events',
  'pipeline_events',
  'job_events',
  'issues_events',
  'member_events',
  'subgroup_events',
  'project_events',
  'confidential_issues_events',
  'confidential_note_events',
  'wiki_page_events',
  'deployment_events',
  'releases_events',
];

/** Group webhooks are a Premium feature: without it GitLab does not serve the endpoints at all. */
const requirePremium = (group: GitLabGroup) => {
  if (group.plan === 'free') throw notFound();
};

/** Groups, subgroups, a group's projects, members and webhooks. */
export function addGroupRoutes(api: GitLabApi): void {
  const { state, views } = api;
  const level = (caller: GitLabCaller, group: GitLabGroup) =>
    caller.user?.admin ? 50 : state.groupAccess(group, caller.user);

  // The group's details; with its own projects unless `with_projects=false` (GitLab lists at most 100).
  api.get('/groups/:id', (request, caller) => {
    caller.require('read');
    const group = api.group(caller, request.params.id!);
    if (request.url.searchParams.get('with_projects') === 'false') return { body: views.group(group) };
    const projects = state.visibleProjects(state.groupProjects(group, false), caller.user, 0).slice(0, 100);
    return {
      body: { ...views.group(group), projects: projects.map((p) => views.project(p)), shared_projects: [] },
    };
  });

  api.get('/groups/:id/subgroups', (request, caller) => {
    caller.require('read');
    const group = api.group(caller, request.params.id!);
    const visible = state.children(group).filter((g) => state.canSeeGroup(g, caller.user));
    return paginate(request, visible, (g) => views.group(g));
  });

  api.get('/groups/:id/descendant_groups', (request, caller) => {
    caller.require('read');
    const group = api.group(caller, request.params.id!);
    const visible = state.descendants(group).filter((g) => state.canSeeGroup(g, caller.user));
    return paginate(request, visible, (g) => views.group(g));
  });

  api.get('/groups/:id/projects', (request, caller) => {
    caller.require('read');
    const group = api.group(caller, request.params.id!);
    const query = request.url.searchParams;
    const archived = query.get('archived');
    const minLevel = Number(query.get('min_access_level') ?? 0);
    const candidates = state
      .groupProjects(group, query.get('include_subgroups') === 'true')
      .filter((p) => archived === null || p.archived === (archived === 'true'));
    const projects = state.visibleProjects(candidates, caller.user, Math.max(0, minLevel));
    const ordered = orderProjects(projects, query.get('order_by'), query.get('sort'));
    const simple = query.get('simple') === 'true';
    return paginate(request, ordered, (p) => (simple ? views.projectSimple(p) : views.project(p)), {
      keyset: true,
    });
  });

  const memberRoutes = (suffix: string, members: (group: GitLabGroup) => GitLabMember[]) => {
    api.get(`/groups/:id/${suffix}`, (request, caller) => {
      caller.require('read');
      const group = api.group(caller, request.params.id!);
      const query = request.url.searchParams.get('query')?.toLowerCase();
      // `state` (Premium): only members awaiting a seat, or only active ones.
      const membershipState = request.url.searchParams.get('state');
      const list = members(group).filter((m) => {
        const user = state.users.get(m.userId)!;
        if (membershipState !== null && m.state !== membershipState) return false;
        return (
          !query || user.username.toLowerCase().includes(query) || user.name.toLowerCase().includes(query)
        );
      });
      return paginate(request, list.map(withId), (m) => views.member(m));
    });
    api.get(`/groups/:id/${suffix}/:user_id`, (request, caller) => {
      caller.require('read');
      const group = api.group(caller, request.params.id!);
      const member = members(group).find((m) => m.userId === Number(request.params.user_id));
      if (!member) throw notFound();
      return { body: views.member(member) };
    });
  };
  memberRoutes('members/all', (group) => state.groupMembers(group));
  memberRoutes('members', (group) => [...group.members.values()]);

  // "List all invitations pending for a group" (Invitations API): the Owner role, as `admin_group` needs.
  api.get('/groups/:id/invitations', (request, caller) => {
    caller.require('read');
    const group = api.group(caller, request.params.id!);
    api.requireLevel(level(caller, group), 50);
    const query = request.url.searchParams.get('query')?.toLowerCase();
    const list = group.invitations.filter((i) => !query || i.email.toLowerCase().includes(query));
    return paginate(request, list, (i) => views.invitation(i));
  });

  /** The group of a hook call: scope first, then the group, the Premium feature and the Owner role. */
  const hookGroup = (id: string, caller: GitLabCaller, need: 'read' | 'write') => {
    caller.require(need);
    const group = api.group(caller, id);
    requirePremium(group);
    api.requireLevel(level(caller, group), 50);
    return group;
  };
  const findHook = (group: GitLabGroup, id: string) => {
    const hook = group.hooks.find((h) => h.id === Number(id));
    if (!hook) throw notFound('Hook');
    return hook;
  };
  const hookUrl = (fields: Record<string, unknown>) => {
    const url = requireString(fields, 'url');
    if (!/^https?:\/\/[^/]+/i.test(url))
      throw new TwinHttpError(422, {
        message: { url: ['is blocked: Only allowed schemes are http, https'] },
      });
    return url;
  };

  api.get('/groups/:id/hooks', (request, caller) => {
    const group = hookGroup(request.params.id!, caller, 'read');
    return paginate(request, group.hooks, (h) => views.hook(h));
  });

  api.get('/groups/:id/hooks/:hook_id', (request, caller) => {
    const group = hookGroup(request.params.id!, caller, 'read');
    return { body: views.hook(findHook(group, request.params.hook_id!)) };
  });

  api.post('/groups/:id/hooks', async (request, caller) => {
    const group = hookGroup(request.params.id!, caller, 'write');
    const fields = await readFields(request);
    const url = hookUrl(fields);
    const events = new Set(hookEvents.filter((event) => flag(fields, event) ?? event === 'push_events'));
    const hook: GitLabHook = {
      id: state.newId(),
      uuid: randomUUID(),
      groupId: group.id,
      url,
      name: optionalString(fields, 'name') ?? null,
      description: optionalString(fields, 'description') ?? null,
      token: typeof fields.token === 'string' && fields.token !== '' ? fields.token : undefined,
      events,
      enableSslVerification: flag(fields, 'enable_ssl_verification') ?? true,
      createdAt: new Date().toISOString(),
    };
    group.hooks.push(hook);
    return { status: 201, body: views.hook(hook) };
  });

  // "Edit group hook": flags not sent keep their value; a new URL without a token resets the token.
  api.put('/groups/:id/hooks/:hook_id', async (request, caller) => {
    const group = hookGroup(request.params.id!, caller, 'write');
    const hook = findHook(group, request.params.hook_id!);
    const fields = await readFields(request);
    const url = hookUrl(fields);
    if (url !== hook.url) hook.token = undefined;
    hook.url = url;
    if (typeof fields.token === 'string') hook.token = fields.token === '' ? undefined : fields.token;
    hook.name = optionalString(fields, 'name') ?? hook.name;
    hook.description = optionalString(fields, 'description') ?? hook.description;
    for (const event of hookEvents) {
      const value = flag(fields, event);
      if (value === true) hook.events.add(event);
      if (value === false) hook.events.delete(event);
    }
    hook.enableSslVerification = flag(fields, 'enable_ssl_verification') ?? hook.enableSslVerification;
    return { body: views.hook(hook) };
  });

  api.delete('/groups/:id/hooks/:hook_id', (request, caller) => {
    const group = hookGroup(request.params.id!, caller, 'write');
    const hook = findHook(group, request.params.hook_id!);
    group.hooks.splice(group.hooks.indexOf(hook), 1);
    return { status: 204 };
  });
}

const withId = (member: GitLabMember) => ({ ...member, id: member.userId });

function orderProjects(
  projects: GitLabProject[],
  orderBy: string | null,
  sort: string | null,
): GitLabProject[] {
  const direction = sort === 'asc' ? 1 : -1;
  const key = orderBy ?? 'created_at';
  const compare = (a: GitLabProject, b: GitLabProject): number => {
    if (key === 'path' || key === 'name') return a[key].localeCompare(b[key]) || a.id - b.id;
    return a.id - b.id;
  };
  return [...projects].sort((a, b) => direction * compare(a, b));
}
