import type { TwinRequest } from '../server/twin-server.js';
import { bbErrors, userLevelOnProject, userRepoLevel } from './access.js';
import { pageParams, webBase, type BbRouteContext } from './context.js';
import { page, userJson } from './shapes.js';
import type { BbUser, BitbucketDataCenterState } from './state.js';

const levels: Record<string, number> = {
  PROJECT_READ: 1,
  PROJECT_WRITE: 2,
  PROJECT_ADMIN: 3,
  REPO_READ: 1,
  REPO_WRITE: 2,
  REPO_ADMIN: 3,
};
const globals = ['LICENSED_USER', 'PROJECT_CREATE', 'ADMIN', 'SYS_ADMIN'];

/** One permission filter of "Get all users": `[root]`, `[root].projectKey`, `[root].repositorySlug`, … */
function permissionFilter(
  state: BitbucketDataCenterState,
  request: TwinRequest,
  root: string,
): (user: BbUser) => boolean {
  const params = request.url.searchParams;
  const permission = params.get(root)!;
  const projectKey = params.get(`${root}.projectKey`);
  const projectId = params.get(`${root}.projectId`);
  const slug = params.get(`${root}.repositorySlug`);
  const repositoryId = params.get(`${root}.repositoryId`);
  if (globals.includes(permission)) {
    return (user) =>
      permission === 'LICENSED_USER' || permission === 'PROJECT_CREATE' ? true : user.sysAdmin;
  }
  const needed = levels[permission];
  if (needed === undefined) throw bbErrors.invalid(root, `${permission} is not a permission.`);
  const projects = [...state.projects.values()];
  if (permission.startsWith('PROJECT_')) {
    const project = projects.find((p) => (projectId ? String(p.id) === projectId : p.key === projectKey));
    if (!projectId && !projectKey)
      throw bbErrors.invalid(root, 'A project permission filter needs projectKey or projectId.');
    return (user) => project !== undefined && userLevelOnProject(user, project) >= needed;
  }
  let repo;
  if (repositoryId) {
    repo = projects.flatMap((p) => [...p.repos.values()]).find((r) => String(r.id) === repositoryId);
  } else if (projectKey && slug) {
    const project = state.projects.get(projectKey.toUpperCase());
    repo = project ? state.findRepo(project, slug) : undefined;
  } else {
    throw bbErrors.invalid(
      root,
      'A repository permission filter needs repositoryId, or projectKey and repositorySlug.',
    );
  }
  return (user) => repo !== undefined && userRepoLevel(user, repo) >= needed;
}

/** "Get all users" with its name and permission filters (any authenticated caller). */
export function addUserSearchRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;

  // GET /rest/api/latest/users?filter=&permission=&permission.N=&permission.N.projectKey=&permission.N.repositorySlug=
  route('GET', api, '/users', (request, principal) => {
    if (!principal) throw bbErrors.notPermitted();
    const params = request.url.searchParams;
    const filter = (params.get('filter') ?? '').toLowerCase();
    const roots = params.has('permission') ? ['permission'] : [];
    for (let n = 1; params.has(`permission.${n}`); n += 1) roots.push(`permission.${n}`);
    const checks = roots.map((root) => permissionFilter(state, request, root));
    const users = [...state.users.values()]
      .filter((user) =>
        [user.name, user.displayName, user.email ?? ''].some((field) => field.toLowerCase().includes(filter)),
      )
      .filter((user) => checks.every((check) => check(user)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { start, limit } = pageParams(request);
    const base = webBase(state, request);
    return {
      body: page(
        users.slice(start, start + limit).map((user) => userJson(base, user)),
        start,
        limit,
        users.length,
      ),
    };
  });
}
