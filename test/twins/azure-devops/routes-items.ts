import { createHash } from 'node:crypto';
import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import { addOrgRoute, adoError, type AdoRouteOptions } from './access.js';
import { gitRepoFor } from './routes-git.js';
import { repoJson } from './shapes.js';
import type { AdoCommitSnapshot, AdoRepo, AzureDevOpsState } from './state.js';

const gitNs = 'Microsoft.TeamFoundation.SourceControl.WebServer';

/** Git's id of an object: `{type} {length}\0{content}` hashed with SHA-1 (a blob's id is its `objectId`). */
const objectId = (type: 'blob' | 'tree', content: Buffer): string =>
  createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');

/** The commit a `versionDescriptor` names: the default branch when absent; `branch`, `commit` (or `tag`). */
function resolveVersion(repo: AdoRepo, request: TwinRequest): AdoCommitSnapshot {
  const query = request.url.searchParams;
  const version = query.get('versionDescriptor.version');
  // `GitVersionType` by name or, as the SDK sends its enum, by number: branch 0, tag 1, commit 2.
  const given = (query.get('versionDescriptor.versionType') ?? 'branch').toLowerCase();
  const type = ['branch', 'tag', 'commit'][Number(given)] ?? given;
  let commit: AdoCommitSnapshot | undefined;
  let label: string;
  if (version === null) {
    label = `Branch: ${repo.defaultBranch.replace(/^refs\/heads\//, '')}`;
    commit = repo.commits.get(repo.refs.get(repo.defaultBranch) ?? '');
  } else if (type === 'commit') {
    label = `Commit: ${version}`;
    commit = repo.commits.get(version.toLowerCase());
  } else {
    label = `${type === 'tag' ? 'Tag' : 'Branch'}: ${version}`;
    const ref = `refs/${type === 'tag' ? 'tags' : 'heads'}/${version}`;
    commit = repo.commits.get(repo.refs.get(ref) ?? '');
  }
  if (!commit) {
    throw adoError(
      404,
      'GitUnresolvableToCommitException',
      `TF401175:The version descriptor <${label}> could not be resolved to a version in the repository ${repo.name}`,
      gitNs,
    );
  }
  return commit;
}

/** `/src/app.ts` for `src/app.ts`, `/src/app.ts/` or `\src\app.ts`; `/` for the root. */
const itemPath = (raw: string | null): string =>
  `/${(raw ?? '/')
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '')
    .join('/')}`;

/** Whether the answer is the raw content rather than JSON: `$format` first, then the `Accept` header. */
function wantsRaw(request: TwinRequest): boolean {
  const format = (request.url.searchParams.get('$format') ?? '').toLowerCase();
  if (format !== '') return format === 'octetstream' || format === 'text';
  const accept = String(request.headers.accept ?? '');
  return /application\/octet-stream|text\/plain/i.test(accept) && !/application\/json/i.test(accept);
}

/**
 * Git items, blobs and commits ("Items - Get", "Blobs - Get Blob", "Commits - Get"), with and without
 * `{project}`: a file's `objectId` is its git blob id, a folder's a tree id; content in JSON as text when
 * `includeContent=true`, raw with `$format=octetStream`.
 */
export function addItemRoutes(state: AzureDevOpsState, router: TwinRouter): void {
  const read: AdoRouteOptions = { scope: ['vso.code'] };
  const both = (tail: string, handler: Parameters<typeof addOrgRoute>[5]) => {
    addOrgRoute(state, router, 'GET', `/:org/:project/_apis/git${tail}`, read, handler);
    addOrgRoute(state, router, 'GET', `/:org/_apis/git${tail}`, read, handler);
  };

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/items?path=&versionDescriptor.version=
  //   &versionDescriptor.versionType=&includeContent=&$format=
  both('/repositories/:repo/items', (request, caller) => {
    const repo = gitRepoFor(state, request, caller);
    const commit = resolveVersion(repo, request);
    const path = itemPath(request.url.searchParams.get('path'));
    const content = commit.files.get(path);
    const base = `${repoJson(request.origin, repo).url}/items?path=${encodeURIComponent(path)}&versionType=Commit&version=${commit.id}`;
    if (content !== undefined) {
      const bytes = Buffer.from(content);
      if (wantsRaw(request)) {
        return { headers: { 'content-type': 'application/octet-stream' }, body: bytes };
      }
      const withContent = request.url.searchParams.get('includeContent') === 'true';
      return {
        body: {
          objectId: objectId('blob', bytes),
          gitObjectType: 'blob',
          commitId: commit.id,
          path,
          ...(withContent ? { content } : {}),
          url: base,
        },
      };
    }
    const prefix = path === '/' ? '/' : `${path}/`;
    const inside = [...commit.files.keys()].filter((file) => file.startsWith(prefix)).sort();
    if (inside.length === 0) {
      throw adoError(
        404,
        'GitItemNotFoundException',
        `TF401174: The item '${path}' could not be found in the repository '${repo.name}' at the version specified by '<Commit: ${commit.id}>' (resolved to commit ${commit.id}).`,
        gitNs,
      );
    }
    return {
      body: {
        objectId: objectId('tree', Buffer.from(inside.join('\n'))),
        gitObjectType: 'tree',
        commitId: commit.id,
        path,
        isFolder: true,
        url: base,
      },
    };
  });

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/blobs/{sha1}?$format=
  both('/repositories/:repo/blobs/:sha1', (request, caller) => {
    const repo = gitRepoFor(state, request, caller);
    const sha1 = request.params.sha1!.toLowerCase();
    let found: Buffer | undefined;
    for (const commit of repo.commits.values()) {
      for (const content of commit.files.values()) {
        const bytes = Buffer.from(content);
        if (objectId('blob', bytes) === sha1) found = bytes;
      }
      if (found) break;
    }
    if (!found) {
      throw adoError(
        404,
        'GitObjectNotFoundException',
        `TF401174: The object '${sha1}' could not be found in the repository '${repo.name}'.`,
        gitNs,
      );
    }
    if (wantsRaw(request)) return { headers: { 'content-type': 'application/octet-stream' }, body: found };
    const url = `${repoJson(request.origin, repo).url}/blobs/${sha1}`;
    return { body: { objectId: sha1, size: found.length, url, _links: { self: { href: url } } } };
  });

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/commits/{commitId}
  both('/repositories/:repo/commits/:commitId', (request, caller) => {
    const repo = gitRepoFor(state, request, caller);
    const commit = repo.commits.get(request.params.commitId!.toLowerCase());
    if (!commit) {
      throw adoError(
        404,
        'GitUnresolvableToCommitException',
        `TF401175:The version descriptor <Commit: ${request.params.commitId}> could not be resolved to a version in the repository ${repo.name}`,
        gitNs,
      );
    }
    const repository = repoJson(request.origin, repo);
    const person = { name: 'Twin', email: 'twin@example.com', date: '2026-01-05T09:00:00Z' };
    return {
      body: {
        commitId: commit.id,
        author: person,
        committer: person,
        comment: commit.comment,
        parents: [...commit.parents],
        url: `${repository.url}/commits/${commit.id}`,
        remoteUrl: `${repository.remoteUrl}/commit/${commit.id}`,
      },
    };
  });
}
