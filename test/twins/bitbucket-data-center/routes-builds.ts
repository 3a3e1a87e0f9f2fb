import type { TwinRequest } from '../server/twin-server.js';
import { bbErrors, requireRepo, type BbPrincipal } from './access.js';
import { jsonBody, pageParams, repoFor, type BbRouteContext } from './context.js';
import { page } from './shapes.js';
import type { BbBuildStatus, BbRepo } from './state.js';

const states = ['INPROGRESS', 'SUCCESSFUL', 'FAILED', 'CANCELLED', 'UNKNOWN'] as const;
const legacyStates = ['INPROGRESS', 'SUCCESSFUL', 'FAILED'] as const;

/** `RestBuildStatus`. */
const buildJson = (build: BbBuildStatus) => ({
  key: build.key,
  state: build.state,
  ...(build.name === undefined ? {} : { name: build.name }),
  url: build.url,
  ...(build.description === undefined ? {} : { description: build.description }),
  createdDate: build.createdDate,
  updatedDate: build.updatedDate,
});

const text = (value: unknown, field: string, max: number, required: boolean): string | undefined => {
  if (value === undefined || value === null) {
    if (required) throw bbErrors.invalid(field, `${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'string' || (required && !value.trim()) || value.length > max)
    throw bbErrors.invalid(field, `${field} must be at most ${max} characters.`);
  return value;
};

/**
 * Build statuses: "Store a build status" on the repository's commit (`RestBuildStatusSetRequest`, 204; the
 * resource 7.14 introduced) and the commit-only build-status resource it deprecates (state, key and url required,
 * fields of 255 characters, url 450). One status per key and commit: posting the key again replaces it.
 */
export function addBuildRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;
  const legacy = ['1.0', 'latest'].map((v) => `${state.contextPath}/rest/build-status/${v}`);

  type Fields = Omit<BbBuildStatus, 'createdDate' | 'updatedDate'>;
  const parse = (body: Record<string, unknown>, allowed: readonly string[]): Fields => {
    const key = text(body.key, 'key', 255, true)!;
    if (typeof body.state !== 'string' || !allowed.includes(body.state))
      throw bbErrors.invalid('state', `state must be one of ${allowed.join(', ')}.`);
    return {
      key,
      state: body.state as BbBuildStatus['state'],
      url: text(body.url, 'url', 450, true)!,
      name: text(body.name, 'name', 255, false),
      description: text(body.description, 'description', 255, false),
    };
  };
  const store = (repo: BbRepo, commitId: string, fields: Fields) => {
    const builds = repo.builds.get(commitId) ?? new Map<string, BbBuildStatus>();
    const at = state.now();
    builds.set(fields.key, {
      ...fields,
      createdDate: builds.get(fields.key)?.createdDate ?? at,
      updatedDate: at,
    });
    repo.builds.set(commitId, builds);
  };

  const repoWithCommit = (request: TwinRequest, principal: BbPrincipal | undefined) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 1);
    const commitId = request.params.commitId!.toLowerCase();
    if (!repo.trees.has(commitId))
      throw bbErrors.invalid('commitId', `${request.params.commitId} is not a commit of this repository.`);
    return { repo, commitId };
  };

  // POST /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}/builds
  route('POST', api, '/projects/:key/repos/:slug/commits/:commitId/builds', (request, principal) => {
    const { repo, commitId } = repoWithCommit(request, principal);
    store(repo, commitId, parse(jsonBody(request), states));
    return { status: 204 };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}/builds
  route('GET', api, '/projects/:key/repos/:slug/commits/:commitId/builds', (request, principal) => {
    const { repo, commitId } = repoWithCommit(request, principal);
    const all = [...(repo.builds.get(commitId)?.values() ?? [])].map(buildJson);
    const { start, limit } = pageParams(request);
    return { body: page(all.slice(start, start + limit), start, limit, all.length) };
  });

  const reposWith = (commitId: string) =>
    [...state.projects.values()].flatMap((project) =>
      [...project.repos.values()].filter((repo) => repo.trees.has(commitId)),
    );

  // POST /rest/build-status/1.0/commits/{commitId} (deprecated in 7.14)
  route('POST', legacy, '/commits/:commitId', (request, principal) => {
    if (!principal) throw bbErrors.notPermitted();
    const fields = parse(jsonBody(request), legacyStates);
    const commitId = request.params.commitId!.toLowerCase();
    for (const repo of reposWith(commitId)) store(repo, commitId, fields);
    return { status: 204 };
  });

  // GET /rest/build-status/1.0/commits/{commitId}
  route('GET', legacy, '/commits/:commitId', (request, principal) => {
    if (!principal) throw bbErrors.notPermitted();
    const commitId = request.params.commitId!.toLowerCase();
    const all = reposWith(commitId).flatMap((repo) =>
      [...(repo.builds.get(commitId)?.values() ?? [])].map(buildJson),
    );
    const { start, limit } = pageParams(request);
    return { body: page(all.slice(start, start + limit), start, limit, all.length) };
  });
}
