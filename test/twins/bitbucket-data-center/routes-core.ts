import { bbError, bbErrors, canViewProject, repoLevel, requireProject, requireRepo } from './access.js';
import { pageParams, projectFor, repoFor, webBase, type BbRouteContext } from './context.js';
import { branchJson, minimalRefJson, page, projectJson, repoJson, userJson } from './shapes.js';
import type { BbRepo } from './state.js';

/** Application properties, projects, repositories, branches, permissions and users. */
export function addCoreRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;
  const { features } = state;

  // GET /rest/api/latest/application-properties (no authentication needed)
  route('GET', api, '/application-properties', () => ({
    body: {
      version: state.version,
      buildNumber: state.buildNumber,
      buildDate: '1767225600000',
      displayName: state.displayName,
    },
  }));

  // GET /plugins/servlet/applinks/whoami: the user name as plain text, empty when anonymous
  route('GET', [state.contextPath], '/plugins/servlet/applinks/whoami', (_request, principal) => ({
    body: principal?.user.name ?? '',
  }));

  // GET /rest/api/latest/projects
  route('GET', api, '/projects', (request, principal) => {
    const { start, limit } = pageParams(request);
    const visible = [...state.projects.values()].filter((p) => canViewProject(principal, p));
    const values = visible.slice(start, start + limit).map((p) => projectJson(webBase(state, request), p));
    return { body: page(values, start, limit, visible.length) };
  });

  // GET /rest/api/latest/projects/{projectKey}
  route('GET', api, '/projects/:key', (request, principal) => ({
    body: projectJson(webBase(state, request), projectFor(state, request, principal)),
  }));

  // GET /rest/api/latest/projects/{projectKey}/repos
  route('GET', api, '/projects/:key/repos', (request, principal) => {
    const project = projectFor(state, request, principal);
    const { start, limit } = pageParams(request);
    const base = webBase(state, request);
    const total = state.repoCount(project);
    const scope = principal?.token.scope;
    if (scope?.type === 'repository') {
      // A repository token sees its own repository only.
      const own = state.findRepo(project, scope.slug);
      const list = own && repoLevel(principal, own) > 0 ? [own] : [];
      return {
        body: page(
          list.slice(start, start + limit).map((r) => repoJson(base, r, features)),
          start,
          limit,
          list.length,
        ),
      };
    }
    requireProject(principal, project, 1);
    const values = [];
    for (let index = start; index < Math.min(total, start + limit); index++) {
      values.push(repoJson(base, state.repoAt(project, index), features));
    }
    return { body: page(values, start, limit, total) };
  });

  const readableRepo = (
    request: Parameters<typeof repoFor>[1],
    principal: Parameters<typeof repoFor>[2],
  ): BbRepo => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 1);
    return repo;
  };

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}
  route('GET', api, '/projects/:key/repos/:slug', (request, principal) => ({
    body: repoJson(webBase(state, request), readableRepo(request, principal), features),
  }));

  if (features.configuredDefaultBranch) {
    // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/default-branch (7.5 and later): the
    // configured branch, also before anything was pushed
    route('GET', api, '/projects/:key/repos/:slug/default-branch', (request, principal) => ({
      body: minimalRefJson(readableRepo(request, principal).defaultBranch),
    }));
  }

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/branches/default (deprecated in 7.5):
  // 204 for an empty repository, 404 when the configured branch was never pushed
  route('GET', api, '/projects/:key/repos/:slug/branches/default', (request, principal) => {
    const repo = readableRepo(request, principal);
    if (repo.branches.size === 0) return { status: 204 };
    if (!repo.branches.has(repo.defaultBranch)) {
      throw bbError(
        404,
        'com.atlassian.bitbucket.repository.NoSuchBranchException',
        `Repository ${repo.project.key}/${repo.slug} has no branch ${repo.defaultBranch}.`,
      );
    }
    return { body: branchJson(repo, repo.defaultBranch) };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/branches
  route('GET', api, '/projects/:key/repos/:slug/branches', (request, principal) => {
    const repo = readableRepo(request, principal);
    const filter = request.url.searchParams.get('filterText') ?? '';
    const names = [...repo.branches.keys()].filter((n) => n.includes(filter)).sort();
    const { start, limit } = pageParams(request);
    const values = names.slice(start, start + limit).map((name) => branchJson(repo, name));
    return { body: page(values, start, limit, names.length) };
  });

  // GET /rest/api/latest/projects/{projectKey}/permissions/users (PROJECT_ADMIN)
  route('GET', api, '/projects/:key/permissions/users', (request, principal) => {
    const project = projectFor(state, request, principal);
    requireProject(principal, project, 3);
    const filter = (request.url.searchParams.get('filter') ?? '').toLowerCase();
    const grants = [...project.members.entries()]
      .map(([name, permission]) => ({ user: state.users.get(name)!, permission }))
      .filter(
        (g) => !filter || g.user.name.includes(filter) || g.user.displayName.toLowerCase().includes(filter),
      );
    const { start, limit } = pageParams(request);
    const base = webBase(state, request);
    const values = grants
      .slice(start, start + limit)
      .map((g) => ({ user: userJson(base, g.user), permission: g.permission }));
    return { body: page(values, start, limit, grants.length) };
  });

  // GET /rest/api/latest/projects/{projectKey}/permissions/groups (PROJECT_ADMIN)
  route('GET', api, '/projects/:key/permissions/groups', (request, principal) => {
    const project = projectFor(state, request, principal);
    requireProject(principal, project, 3);
    const grants = [...project.groups.entries()];
    const { start, limit } = pageParams(request);
    const values = grants
      .slice(start, start + limit)
      .map(([name, permission]) => ({ group: { name }, permission }));
    return { body: page(values, start, limit, grants.length) };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/permissions/users (REPO_ADMIN)
  route('GET', api, '/projects/:key/repos/:slug/permissions/users', (request, principal) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 3);
    const { start, limit } = pageParams(request);
    return { body: page([], start, limit, 0) };
  });

  // GET /rest/api/latest/users/{userSlug}: also the service user behind a project or repository token
  route('GET', api, '/users/:userSlug', (request, principal) => {
    if (!principal) throw bbErrors.notPermitted();
    const user = state.findUser(request.params.userSlug!);
    if (!user) throw bbErrors.noUser(request.params.userSlug!);
    return { body: userJson(webBase(state, request), user) };
  });
}
