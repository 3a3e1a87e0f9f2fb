import type { TwinRequest } from '../server/twin-server.js';
import { bbError, requireRepo } from './access.js';
import { repoFor, type BbRouteContext } from './context.js';
import { commitJson } from './shapes.js';
import type { BbRepo } from './state.js';

const pkg = 'com.atlassian.bitbucket';

/** What `at` names: the default branch when absent, a branch (`refs/heads/x` or `x`), or a commit id. */
function resolveAt(
  repo: BbRepo,
  at: string | null,
): { revision: string; commitId: string; files: ReadonlyMap<string, string> } {
  const revision = at ?? repo.defaultBranch;
  const branch = repo.branches.get(revision.replace(/^refs\/heads\//, ''));
  if (branch) return { revision, commitId: branch.head, files: branch.files };
  if (/^[0-9a-f]{4,40}$/i.test(revision)) {
    for (const [commitId, files] of repo.trees) {
      if (commitId.startsWith(revision.toLowerCase())) return { revision, commitId, files };
    }
  }
  throw bbError(
    404,
    `${pkg}.commit.NoSuchCommitException`,
    `Commit '${revision}' does not exist in repository '${repo.slug}'.`,
  );
}

const noSuchPath = (path: string, revision: string) =>
  bbError(
    404,
    `${pkg}.content.NoSuchPathException`,
    `The path "${path}" does not exist at revision "${revision}"`,
  );

/** The direct children of directory `path` (`''` for the root): files with their size, and directories. */
function children(files: ReadonlyMap<string, string>, path: string) {
  const prefix = path === '' ? '' : `${path}/`;
  const entries = new Map<string, { type: 'FILE' | 'DIRECTORY'; size?: number }>();
  for (const [file, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    const name = rest.split('/')[0]!;
    entries.set(
      name,
      rest.includes('/') ? { type: 'DIRECTORY' } : { type: 'FILE', size: Buffer.byteLength(content) },
    );
  }
  return [...entries];
}

const pathJson = (path: string) => {
  const components = path === '' ? [] : path.split('/');
  const name = components.at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  return {
    components,
    parent: components.slice(0, -1).join('/'),
    name,
    ...(dot > 0 ? { extension: name.slice(dot + 1) } : {}),
    toString: path,
  };
};

/** Reading files at a revision: `browse` (type, size, lines, directory listings), `raw`, and a commit by id. */
export function addFileRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;

  const readable = (request: TwinRequest, principal: Parameters<typeof repoFor>[2]) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 1);
    return repo;
  };

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/browse/{path}?at=&type=&size=
  route('GET', api, '/projects/:key/repos/:slug/browse/*path', (request, principal) => {
    const repo = readable(request, principal);
    const query = request.url.searchParams;
    const at = resolveAt(repo, query.get('at'));
    const path = request.params.path!.replace(/\/+$/, '');
    const content = at.files.get(path);
    const listing = content === undefined ? children(at.files, path) : [];
    if (content === undefined && listing.length === 0) throw noSuchPath(path, at.revision);
    // `size=true` is processed before `type=true`; either needs an explicit `true`.
    if (query.get('size') === 'true' && content !== undefined) {
      return { body: { size: Buffer.byteLength(content) } };
    }
    if (query.get('type') === 'true') return { body: { type: content === undefined ? 'DIRECTORY' : 'FILE' } };
    if (content !== undefined) {
      const lines = content.replace(/\n$/, '').split('\n');
      return {
        body: { lines: lines.map((text) => ({ text })), start: 0, size: lines.length, isLastPage: true },
      };
    }
    const values = listing.map(([name, entry]) => ({
      path: pathJson(name),
      type: entry.type,
      ...(entry.size === undefined ? {} : { size: entry.size }),
    }));
    return {
      body: {
        path: pathJson(path),
        revision: at.revision,
        children: { size: values.length, limit: 500, isLastPage: true, values, start: 0 },
      },
    };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/raw/{path}?at=
  route('GET', api, '/projects/:key/repos/:slug/raw/*path', (request, principal) => {
    const repo = readable(request, principal);
    const at = resolveAt(repo, request.url.searchParams.get('at'));
    const path = request.params.path!;
    const content = at.files.get(path);
    if (content === undefined) throw noSuchPath(path, at.revision);
    return { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(content) };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}
  route('GET', api, '/projects/:key/repos/:slug/commits/:commitId', (request, principal) => {
    const repo = readable(request, principal);
    const commitId = request.params.commitId!;
    if (!/^[0-9a-f]{4,40}$/i.test(commitId)) {
      throw bbError(400, `${pkg}.commit.InvalidCommitIdException`, `'${commitId}' is not a valid commit ID.`);
    }
    const { commitId: id } = resolveAt(repo, commitId);
    const recorded = state.commits.get(id);
    if (recorded) return { body: commitJson(recorded) };
    // A seeded head: the twin keeps no author for it.
    const person = { name: 'system', emailAddress: 'system@localhost' };
    return {
      body: {
        id,
        displayId: id.slice(0, 11),
        author: person,
        authorTimestamp: 0,
        committer: person,
        committerTimestamp: 0,
        message: 'Initial commit',
        parents: [],
      },
    };
  });
}
