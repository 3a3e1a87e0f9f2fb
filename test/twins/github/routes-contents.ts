import type { TwinRequest } from '../server/twin-server.js';
import type { createApi } from './api.js';
import { ghError, notFound } from './errors.js';
import { emptyRepository } from './routes-git.js';
import type { GitHubState, RepoRecord } from './state.js';
import { blobSha } from './state.js';

type Api = ReturnType<typeof createApi>;

const CONTENTS_DOCS = 'https://docs.github.com/rest/repos/contents#get-repository-content';
const BLOB_DOCS = 'https://docs.github.com/rest/git/blobs#get-a-blob';
const COMMIT_DOCS = 'https://docs.github.com/rest/git/commits#get-a-commit-object';

/** "Get repository content": above 1 MB a file comes without content (`encoding: "none"`) unless asked raw. */
const inlineLimit = 1024 * 1024;

/**
 * The custom media type an `Accept` header asks for (`application/vnd.github.raw+json`,
 * `application/vnd.github.v3.object`, …), as "Media types" in the REST guide spells them; none for JSON.
 */
function mediaParam(request: TwinRequest): 'raw' | 'object' | undefined {
  const accept = String(request.headers.accept ?? '');
  const found = /application\/vnd\.github(?:\.v3)?\.(raw|object)\b/.exec(accept);
  return found?.[1] as 'raw' | 'object' | undefined;
}

const mediaHeader = (param: string | undefined) => ({
  'x-github-media-type': param ? `github.v3; param=${param}; format=json` : 'github.v3; format=json',
});

/**
 * Reading repository files at a ref or commit: the contents API with its `raw` and `object` media types, and
 * the git database's blobs and commit objects ("Get repository content", "Get a blob", "Get a commit object").
 */
export function registerContentRoutes(api: Api, state: GitHubState): void {
  const resolveRef = (repo: RepoRecord, ref: string | null): { name: string; sha: string } | undefined => {
    const git = state.git(repo);
    const name = ref ?? repo.defaultBranch;
    const branch = name.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
    const sha = git.branches.get(branch);
    if (sha) return { name: branch, sha };
    return git.commits.has(name) ? { name, sha: name } : undefined;
  };

  // GET /repos/{owner}/{repo}/contents/{path}
  api.route('GET', '/repos/:owner/:repo/contents/*path', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['contents', 'read']);
    if (state.isEmpty(repo)) throw ghError(404, 'This repository is empty.', { docs: CONTENTS_DOCS });
    const ref = req.url.searchParams.get('ref');
    const resolved = resolveRef(repo, ref);
    if (!resolved) throw ghError(404, `No commit found for the ref ${ref ?? ''}`, { docs: CONTENTS_DOCS });
    const files = state.git(repo).commits.get(resolved.sha)!.files;
    const path = req.params.path!.replace(/\/$/, '');
    const param = mediaParam(req);
    const headers = mediaHeader(param);
    const content = files.get(path);
    if (content) {
      if (param === 'raw') {
        return { headers: { ...headers, 'content-type': 'application/vnd.github.raw' }, body: content };
      }
      const file = ctx.shapes.contentFile(repo, resolved.name, path, content);
      const body = content.length > inlineLimit ? { ...file, content: '', encoding: 'none' } : file;
      return { headers, body };
    }
    const entries = directoryEntries(req, repo, resolved.name, path, files, ctx.shapes.contentFile);
    if (entries.length === 0) throw notFound(CONTENTS_DOCS);
    if (param !== 'object') return { headers, body: entries };
    // The `object` media type wraps a directory in one object with its `entries`.
    const self = `${req.origin}${req.path}?ref=${encodeURIComponent(resolved.name)}`;
    return {
      headers,
      body: {
        type: 'dir',
        size: 0,
        name: path.split('/').pop(),
        path,
        sha: blobSha(Buffer.from(`tree:${resolved.sha}:${path}`)),
        url: self,
        git_url: null,
        html_url: null,
        download_url: null,
        entries,
        _links: { self, git: null, html: null },
      },
    };
  });

  // GET /repos/{owner}/{repo}/git/blobs/{file_sha}
  api.route('GET', '/repos/:owner/:repo/git/blobs/:sha', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['contents', 'read']);
    if (state.isEmpty(repo)) throw emptyRepository(BLOB_DOCS);
    const content = findBlob(state, repo, req.params.sha!.toLowerCase());
    if (!content) throw notFound(BLOB_DOCS);
    const param = mediaParam(req);
    if (param === 'raw') {
      return {
        headers: { ...mediaHeader('raw'), 'content-type': 'application/vnd.github.raw' },
        body: content,
      };
    }
    return { headers: mediaHeader(undefined), body: ctx.shapes.blob(repo, content) };
  });

  // GET /repos/{owner}/{repo}/git/commits/{commit_sha}
  api.route('GET', '/repos/:owner/:repo/git/commits/:sha', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['contents', 'read']);
    if (state.isEmpty(repo)) throw emptyRepository(COMMIT_DOCS);
    const commit = state.git(repo).commits.get(req.params.sha!.toLowerCase());
    if (!commit) throw notFound(COMMIT_DOCS);
    return { body: ctx.shapes.gitCommit(repo, commit) };
  });
}

/** A blob of the repository by its id, from any commit. */
function findBlob(state: GitHubState, repo: RepoRecord, sha: string): Buffer | undefined {
  for (const commit of state.git(repo).commits.values()) {
    for (const content of commit.files.values()) if (blobSha(content) === sha) return content;
  }
  return undefined;
}

/** The entries of directory `path` at a commit: files as content-file entries without content, and dirs. */
function directoryEntries(
  req: TwinRequest,
  repo: RepoRecord,
  refName: string,
  path: string,
  files: ReadonlyMap<string, Buffer>,
  contentFile: (repo: RepoRecord, ref: string, path: string, content: Buffer) => Record<string, unknown>,
): Record<string, unknown>[] {
  const prefix = path === '' ? '' : `${path}/`;
  const entries = new Map<string, 'file' | 'dir'>();
  for (const p of files.keys()) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const name = rest.split('/')[0]!;
    entries.set(name, rest.includes('/') ? 'dir' : 'file');
  }
  return [...entries].map(([name, type]) => {
    const full = `${prefix}${name}`;
    if (type === 'file') {
      const { content: _omit, encoding: _enc, ...entry } = contentFile(repo, refName, full, files.get(full)!);
      return entry;
    }
    const self = `${req.origin}${req.path.replace(/\/contents\/.*$/, '')}/contents/${full}?ref=${refName}`;
    return {
      type: 'dir',
      size: 0,
      name,
      path: full,
      sha: blobSha(Buffer.from(full)),
      url: self,
      git_url: null,
      html_url: null,
      download_url: null,
      _links: { self, git: null, html: null },
    };
  });
}
