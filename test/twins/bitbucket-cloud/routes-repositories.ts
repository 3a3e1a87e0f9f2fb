import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';
import { empty, type BitbucketApi } from './api.js';
import { bbError, needs, type BitbucketCaller, type BitbucketNeed } from './auth.js';
import { bbqlMatches, parseBbql } from './bbql.js';
import { hookFrom } from './routes-workspaces.js';
import type { BitbucketRepository } from './state.js';
import { page } from './views.js';

interface PullRequestBody {
  title?: unknown;
  description?: unknown;
  source?: { branch?: { name?: unknown } };
  destination?: { branch?: { name?: unknown } };
  close_source_branch?: unknown;
}

export const fieldError = (field: string, message: string) => bbError(400, `${field}: ${message}`, undefined);

/**
 * A branch restriction's refusal, in the shape recorded for creating a restricted branch (Atlassian's
 * BCLOUD-20121): the key `BRANCH_PERMISSION_VIOLATED` both at the top and inside `error`.
 */
const branchPermissionViolated = (message: string) =>
  new TwinHttpError(403, {
    data: { key: 'BRANCH_PERMISSION_VIOLATED' },
    type: 'error',
    error: { message, data: { key: 'BRANCH_PERMISSION_VIOLATED' } },
  });

/** Fields a pull request listing's `q` may filter on, and their values for one pull request. */
const pullRequestQueryFields = ['source.branch.name', 'destination.branch.name', 'state'];
const pullRequestFields = (pr: { source: string; destination: string; state: string }) => ({
  'source.branch.name': pr.source,
  'destination.branch.name': pr.destination,
  state: pr.state,
});

/** Repositories, pull requests, repository webhooks, branches and `/src` commits (comments: routes-pull-requests.ts). */
export function addRepositoryRoutes(api: BitbucketApi): void {
  const { views } = api;
  const repoOf = (request: TwinRequest, caller: BitbucketCaller) =>
    api.repository(caller, request.params.workspace!, request.params.slug!);
  const prOf = (request: TwinRequest, caller: BitbucketCaller) => {
    const repo = repoOf(request, caller);
    return { repo, pr: api.pullRequest(repo, request.params.id!) };
  };

  api.get('/repositories/:workspace', (request, caller) => {
    caller.require(needs.repoRead);
    const workspace = api.workspace(caller, request.params.workspace!);
    const repos = [...workspace.repositories.values()].filter((r) => caller.canReachRepository(r));
    return { body: page(request, repos, (r) => views.repository(r)) };
  });

  api.get('/repositories/:workspace/:slug', (request, caller) => {
    caller.require(needs.repoRead);
    return { body: views.repository(repoOf(request, caller)) };
  });

  api.get('/repositories/:workspace/:slug/refs/branches', (request, caller) => {
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    return { body: page(request, [...repo.branches.values()], (b) => branchView(repo, b.name)) };
  });

  api.get('/repositories/:workspace/:slug/refs/branches/*name', (request, caller) => {
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    if (!repo.branches.has(request.params.name!))
      throw bbError(404, `Branch "${request.params.name}" not found`);
    return { body: branchView(repo, request.params.name!) };
  });

  api.post('/repositories/:workspace/:slug/refs/branches', (request, caller) => {
    caller.require(needs.branchCreate);
    const repo = repoOf(request, caller);
    const body = request.json<{ name?: unknown; target?: { hash?: unknown } }>() ?? {};
    const name = typeof body.name === 'string' ? body.name : '';
    const start = [...repo.branches.values()].find((b) =>
      b.hash.startsWith(String(body.target?.hash ?? '-')),
    );
    if (!name || !start) throw bbError(400, 'Invalid branch name or target');
    if (repo.branches.has(name)) throw bbError(400, `BRANCH_ALREADY_EXISTS: ${name}`);
    const pattern = api.state.pushRefused(repo, name, caller.actor);
    if (pattern !== undefined)
      throw branchPermissionViolated(
        `You are not allowed to create a branch that matches the pattern "${pattern}".`,
      );
    repo.branches.set(name, { name, hash: start.hash, files: new Map(start.files) });
    return { status: 201, body: branchView(repo, name) };
  });

  // Get file or directory contents: the raw file, its `format=meta` object, or a page of a directory.
  api.get('/repositories/:workspace/:slug/src/:commit/*path', (request, caller) => {
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    const path = request.params.path!.replace(/\/+$/, '');
    const at = api.state.filesAt(repo, request.params.commit!);
    if (!at) throw bbError(404, `Commit not found: ${request.params.commit}`);
    const meta = request.url.searchParams.get('format') === 'meta';
    const content = at.files.get(path);
    if (content !== undefined) {
      if (meta) return { body: views.commitFile(repo, at.hash, path, content) };
      return {
        headers: { 'content-type': contentTypeOf(path), 'content-disposition': 'attachment' },
        body: Buffer.from(content),
      };
    }
    const entries = directoryEntries(at.files, path);
    if (entries.length === 0) throw bbError(404, `No such file or directory: ${path}`);
    if (meta) return { body: views.commitDirectory(repo, at.hash, path) };
    return {
      body: page(request, entries, ([name, type]) =>
        type === 'file'
          ? views.commitFile(repo, at.hash, `${path}/${name}`, at.files.get(`${path}/${name}`)!)
          : views.commitDirectory(repo, at.hash, `${path}/${name}`),
      ),
    };
  });

  api.get('/repositories/:workspace/:slug/commit/:commit', (request, caller) => {
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    const at = api.state.filesAt(repo, request.params.commit!);
    if (!at) throw bbError(404, `Commit not found: ${request.params.commit}`);
    return { body: views.commit(repo, at.hash) };
  });

  // A commit from form fields: each field named like a path is a file; `files` lists paths to delete.
  api.post('/repositories/:workspace/:slug/src', async (request, caller) => {
    caller.require(needs.repoWrite);
    const repo = repoOf(request, caller);
    const form = await new Request(request.url, {
      method: 'POST',
      headers: {
        'content-type': String(request.headers['content-type'] ?? 'application/x-www-form-urlencoded'),
      },
      body: new Uint8Array(request.body),
    }).formData();
    const text = async (value: FormDataEntryValue) =>
      typeof value === 'string' ? value : await value.text();
    const reserved = new Set(['message', 'author', 'parents', 'branch', 'files']);
    const branchName = (form.get('branch') as string | null) ?? repo.mainbranch;
    const refusedBy = api.state.pushRefused(repo, branchName, caller.actor);
    if (refusedBy !== undefined)
      throw branchPermissionViolated(
        `You are not allowed to push to a branch that matches the pattern "${refusedBy}".`,
      );
    const existing = repo.branches.get(branchName);
    const parents = form.get('parents');
    if (typeof parents === 'string' && existing && !existing.hash.startsWith(parents))
      throw bbError(409, `Commit ${parents} is not the tip of ${branchName}`);
    const start = existing ?? repo.branches.get(repo.mainbranch);
    const writes: [string, string][] = [];
    for (const [key, value] of form)
      if (!reserved.has(key)) writes.push([key.replace(/^\//, ''), await text(value)]);
    const deletes = form.getAll('files').map((f) => String(f).replace(/^\//, ''));
    const hash = api.state.commit(
      repo,
      branchName,
      (files) => {
        for (const path of deletes) if (!writes.some(([p]) => p === path)) files.delete(path);
        for (const [path, content] of writes) files.set(path, content);
      },
      start,
    );
    return empty(201, {
      location: `${request.origin}/2.0/repositories/${repo.workspace.slug}/${repo.slug}/commit/${hash}`,
    });
  });

  api.get('/repositories/:workspace/:slug/pullrequests', (request, caller) => {
    caller.require(needs.prRead);
    const repo = repoOf(request, caller);
    const states = request.url.searchParams.getAll('state');
    const wanted = states.length > 0 ? states : ['OPEN'];
    const q = request.url.searchParams.get('q');
    const terms = q === null ? [] : parseBbql(q, pullRequestQueryFields);
    const prs = [...repo.pullRequests.values()]
      .filter((pr) => wanted.includes(pr.state) && bbqlMatches(terms, pullRequestFields(pr)))
      .sort((a, b) => b.id - a.id);
    return { body: page(request, prs, (pr) => views.pullRequest(repo, pr)) };
  });

  api.get('/repositories/:workspace/:slug/pullrequests/:id', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    return { body: views.pullRequest(repo, pr) };
  });

  api.post('/repositories/:workspace/:slug/pullrequests', (request, caller) => {
    caller.require(needs.prWrite);
    const repo = repoOf(request, caller);
    const body = request.json<PullRequestBody>() ?? {};
    if (typeof body.title !== 'string' || body.title === '')
      throw fieldError('title', 'This field is required.');
    const source = body.source?.branch?.name;
    const destination = body.destination?.branch?.name ?? repo.mainbranch;
    if (typeof source !== 'string' || !repo.branches.has(source))
      throw fieldError('source', 'Branch not found');
    if (typeof destination !== 'string' || !repo.branches.has(destination))
      throw fieldError('destination', 'Branch not found');
    if (source === destination) throw fieldError('source', 'Source and destination branches are the same');
    const pr = api.state.openPullRequest(repo, {
      title: body.title,
      description: typeof body.description === 'string' ? body.description : '',
      author: caller.actor,
      source,
      destination,
    });
    pr.closeSourceBranch = body.close_source_branch === true;
    return { status: 201, body: views.pullRequest(repo, pr) };
  });

  const requireRepoHooks = (caller: BitbucketCaller, repo: BitbucketRepository, need: BitbucketNeed) => {
    caller.require(need);
    if (caller.user && caller.permissionIn(repo.workspace) !== 'owner')
      throw bbError(403, 'You must be an administrator of this repository to manage its webhooks.');
  };

  api.get('/repositories/:workspace/:slug/hooks', (request, caller) => {
    const repo = repoOf(request, caller);
    requireRepoHooks(caller, repo, needs.hooksRead);
    return {
      body: page(request, repo.hooks, (h) =>
        views.hook(h, { type: 'repository', full_name: `${repo.workspace.slug}/${repo.slug}` }),
      ),
    };
  });

  api.post('/repositories/:workspace/:slug/hooks', (request, caller) => {
    const repo = repoOf(request, caller);
    requireRepoHooks(caller, repo, needs.hooksWrite);
    const hook = hookFrom(request, 'repository');
    repo.hooks.push(hook);
    return {
      status: 201,
      body: views.hook(hook, { type: 'repository', full_name: `${repo.workspace.slug}/${repo.slug}` }),
    };
  });

  api.delete('/repositories/:workspace/:slug/hooks/:uid', (request, caller) => {
    const repo = repoOf(request, caller);
    requireRepoHooks(caller, repo, needs.hooksDelete);
    const index = repo.hooks.findIndex(
      (h) => h.uuid === request.params.uid || h.uuid === `{${request.params.uid}}`,
    );
    if (index < 0) throw bbError(404, 'Webhook not found');
    repo.hooks.splice(index, 1);
    return empty(204);
  });
}

function branchView(repo: BitbucketRepository, name: string) {
  const branch = repo.branches.get(name)!;
  return {
    type: 'branch',
    name,
    target: {
      type: 'commit',
      hash: branch.hash,
      repository: { full_name: `${repo.workspace.slug}/${repo.slug}` },
    },
    links: { html: { href: `https://bitbucket.org/${repo.workspace.slug}/${repo.slug}/branch/${name}` } },
  };
}

/** The direct entries of directory `path` (files and subdirectories), in path order. */
function directoryEntries(files: ReadonlyMap<string, string>, path: string): [string, 'file' | 'dir'][] {
  const prefix = `${path}/`;
  const entries = new Map<string, 'file' | 'dir'>();
  for (const file of [...files.keys()].sort()) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    entries.set(rest.split('/')[0]!, rest.includes('/') ? 'dir' : 'file');
  }
  return [...entries];
}

/** The raw file's Content-Type, "derived from the filename extension (not from the contents)", no charset. */
function contentTypeOf(path: string): string {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  const types: Record<string, string> = {
    js: 'application/javascript',
    json: 'application/json',
    md: 'text/markdown',
    txt: 'text/plain',
    yml: 'application/x-yaml',
    yaml: 'application/x-yaml',
    py: 'text/x-python',
    html: 'text/html',
  };
  return types[extension] ?? 'application/octet-stream';
}
