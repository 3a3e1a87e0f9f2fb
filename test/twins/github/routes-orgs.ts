import type { createApi } from './api.js';
import { ghError, notFound, validationFailed } from './errors.js';
import { invitationShape, standingOf } from './org-invitations.js';
import type { GitHubState } from './state.js';

type Api = ReturnType<typeof createApi>;

/** User, organization, membership and repository-listing routes. */
export function registerOrgRoutes(api: Api, state: GitHubState, flavor: 'cloud' | 'enterprise'): void {
  // GET /user
  api.route('GET', '/user', 'token', (_req, ctx) => {
    if (ctx.caller.kind !== 'user') throw ghError(403, 'Resource not accessible by integration');
    return { body: ctx.shapes.privateUser(ctx.caller.user) };
  });

  // GET /users/{username} (an app's bot too: `{slug}[bot]`, type `Bot`)
  api.route('GET', '/users/:username', 'any', (req, ctx) => {
    const user = state.userByLogin(req.params.username!);
    if (!user) throw notFound('https://docs.github.com/rest/users/users#get-a-user');
    return { body: ctx.shapes.publicUser(user) };
  });

  // GET /user/installations
  api.route('GET', '/user/installations', 'user', (_req, ctx) => {
    if (ctx.caller.kind !== 'user') throw ghError(403, 'Resource not accessible by integration');
    const { user, app } = ctx.caller;
    const visible = [...state.installations.values()]
      .filter((i) => i.appId === app.id)
      .filter((i) => {
        const org = state.orgByLogin(i.account);
        return org ? org.members.has(user.id) : i.account.toLowerCase() === user.login.toLowerCase();
      })
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(visible);
    return {
      headers: page.headers,
      body: { total_count: visible.length, installations: page.items.map((i) => ctx.shapes.installation(i)) },
    };
  });

  // GET /user/memberships/orgs/{org} (an active or a pending membership)
  api.route('GET', '/user/memberships/orgs/:org', 'user', (req, ctx) => {
    if (ctx.caller.kind !== 'user') throw ghError(403, 'Resource not accessible by integration');
    const org = state.orgByLogin(req.params.org!);
    const standing = org && standingOf(org, ctx.caller.user);
    if (!org || !standing)
      throw notFound(
        'https://docs.github.com/rest/orgs/members#get-an-organization-membership-for-the-authenticated-user',
      );
    return { body: ctx.shapes.orgMembership(org, ctx.caller.user, standing.role, standing.state) };
  });

  // GET /orgs/{org}
  api.route('GET', '/orgs/:org', 'any', (req, ctx) => {
    const org = state.orgByLogin(req.params.org!);
    if (!org) throw notFound('https://docs.github.com/rest/orgs/orgs#get-an-organization');
    return { body: ctx.shapes.org(org) };
  });

  // GET /orgs/{org}/members
  api.route('GET', '/orgs/:org/members', 'token', (req, ctx) => {
    const org = state.orgByLogin(req.params.org!);
    if (!org) throw notFound('https://docs.github.com/rest/orgs/members#list-organization-members');
    if (
      ctx.caller.kind === 'installation' &&
      ctx.caller.installation.account.toLowerCase() !== org.login.toLowerCase()
    ) {
      throw notFound();
    }
    ctx.need(['members', 'read']);
    const role = req.url.searchParams.get('role') ?? 'all';
    if (!['all', 'admin', 'member'].includes(role)) {
      throw validationFailed([{ resource: 'Organization', code: 'invalid', field: 'role' }]);
    }
    const members = [...org.members.entries()]
      .filter(([, r]) => role === 'all' || r === role)
      .map(([id]) => state.users.get(id)!)
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(members);
    return { headers: page.headers, body: page.items.map((u) => ctx.shapes.user(u)) };
  });

  // GET /orgs/{org}/memberships/{username} (active, or pending while invited; 404 for an outside collaborator)
  api.route('GET', '/orgs/:org/memberships/:username', 'token', (req, ctx) => {
    const org = state.orgByLogin(req.params.org!);
    const user = state.userByLogin(req.params.username!);
    const standing = org && user ? standingOf(org, user) : undefined;
    if (!org || !user || !standing)
      throw notFound('https://docs.github.com/rest/orgs/members#get-organization-membership-for-a-user');
    if (
      ctx.caller.kind === 'installation' &&
      ctx.caller.installation.account.toLowerCase() !== org.login.toLowerCase()
    ) {
      throw notFound();
    }
    if (ctx.caller.kind === 'user' && !org.members.has(ctx.caller.user.id)) throw notFound();
    ctx.need(['members', 'read']);
    return { body: ctx.shapes.orgMembership(org, user, standing.role, standing.state) };
  });

  // GET /orgs/{org}/invitations ("List pending organization invitations"; GitHub.com only, GHES has no such route)
  if (flavor === 'cloud')
    api.route('GET', '/orgs/:org/invitations', 'token', (req, ctx) => {
      const org = state.orgByLogin(req.params.org!);
      if (!org)
        throw notFound('https://docs.github.com/rest/orgs/members#list-pending-organization-invitations');
      if (
        ctx.caller.kind === 'installation' &&
        ctx.caller.installation.account.toLowerCase() !== org.login.toLowerCase()
      ) {
        throw notFound();
      }
      ctx.need(['members', 'read']);
      const role = req.url.searchParams.get('role') ?? 'all';
      const invitations = [...org.invitations.entries()]
        .map(([userId, invitation]) =>
          invitationShape(state, ctx.shapes, org, state.users.get(userId)!, invitation),
        )
        .filter((i) => role === 'all' || i.role === role);
      const page = ctx.paginate(invitations);
      return { headers: page.headers, body: page.items };
    });

  // GET /orgs/{org}/repos
  api.route('GET', '/orgs/:org/repos', 'any', (req, ctx) => {
    const org = state.orgByLogin(req.params.org!);
    if (!org) throw notFound('https://docs.github.com/rest/repos/repos#list-organization-repositories');
    const type = req.url.searchParams.get('type') ?? 'all';
    let repos = state.reposOf(org.login).filter((r) => ctx.canSee(r));
    if (type === 'public') repos = repos.filter((r) => !r.private);
    if (type === 'private') repos = repos.filter((r) => r.private);
    if (type === 'forks') repos = [];
    if (req.url.searchParams.get('sort') === 'full_name') {
      const desc = req.url.searchParams.get('direction') === 'desc';
      repos.sort((a, b) => (desc ? -1 : 1) * a.name.localeCompare(b.name));
    }
    const page = ctx.paginate(repos);
    return { headers: page.headers, body: page.items.map((r) => ctx.shapes.repo(r)) };
  });

  // GET /repos/{owner}/{repo}
  api.route('GET', '/repos/:owner/:repo', 'any', (req, ctx) => ({
    body: ctx.shapes.fullRepo(ctx.repo(req.params.owner!, req.params.repo!)),
  }));
}
