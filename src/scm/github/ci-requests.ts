import { isScmError, ScmError } from '../errors.js';
import type { CiFile } from '../provider.js';
import {
  contentsNotFound,
  contentsWriteRefusal,
  emptyRepository,
  notAFile,
  refNotFound,
  type ContentsWrite,
} from './ci-errors.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import {
  blobSchema,
  contentObjectSchema,
  parseGitHub,
  pullSummarySchema,
  refSchema,
  repositorySchema,
} from './schemas.js';
import { z } from 'zod';

export type Repo = { readonly owner: string; readonly repo: string };

/** `PUT …/contents/{path}`: the commit it made. */
const contentsWriteSchema = z.object({ commit: z.object({ sha: z.string().min(1), html_url: z.string() }) });

/**
 * A repository-relative path for a URL, segment by segment so that `/` stays a separator. Refuses what could
 * leave the repository's tree (`..`, an absolute path) before any request.
 */
function encodeCiPath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  const bad = /^[/\\]/.test(path) || /[\u0000-\u001f\u007f]/.test(path) || segments.includes('..');
  if (bad || segments.length === 0) {
    throw new ScmError('invalid', `\`${path.slice(0, 200)}\` is not a path inside the repository.`, {
      code: 'invalid_path',
      fix: 'Give the CI file a path relative to the repository root, with `/` between directories.',
    });
  }
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

/** The calls the CI writer makes as the installation (scm-api §1.11). */
export function createCiRequests(context: GitHubContext) {
  const octokit = () => context.octokit();
  const call = <T>(what: string, run: () => Promise<T>) => onInstallation(context, what, run);

  /** The file at `path` on `ref` (the default branch without one), or undefined when it holds none. */
  async function readFile(repo: Repo, path: string, ref?: string): Promise<CiFile | undefined> {
    let data: unknown;
    try {
      // GET /repos/{owner}/{repo}/contents/{path}?ref={ref} (Accept: application/vnd.github.object+json)
      const answer = await call('read the CI file', async () => {
        try {
          return await octokit().request<unknown>({
            method: 'GET',
            url: `/repos/{owner}/{repo}/contents/${encodeCiPath(path)}`,
            ...repo,
            ...(ref === undefined ? {} : { ref }),
            headers: { accept: 'application/vnd.github.object+json' },
          });
        } catch (error) {
          const notFound = contentsNotFound(error);
          if (notFound === 'empty') throw emptyRepository(repo);
          if (notFound === 'no-ref') throw refNotFound(repo, ref ?? '');
          throw error;
        }
      });
      data = answer.data;
    } catch (error) {
      if (isScmError(error) && error.status === 404 && error.code !== 'ref_not_found') return undefined;
      throw error;
    }
    const entry = parseGitHub(contentObjectSchema, data, 'file');
    if (entry.type !== 'file') throw notAFile(path);
    const inline = entry.encoding === 'base64' && entry.content !== undefined;
    const content = inline ? Buffer.from(entry.content!, 'base64') : await blobContent(repo, entry.sha);
    return { content: content.toString('utf8'), blobId: entry.sha };
  }

  async function blobContent(repo: Repo, sha: string): Promise<Buffer> {
    // GET /repos/{owner}/{repo}/git/blobs/{file_sha}
    const answer = await call('read the CI file', () =>
      octokit().request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: sha }),
    );
    return Buffer.from(parseGitHub(blobSchema, answer.data, 'blob').content, 'base64');
  }

  /** A file's blob sha on `ref`, or undefined when the path holds no file there. */
  async function blobAt(repo: Repo, path: string, ref: string): Promise<string | undefined> {
    try {
      // GET /repos/{owner}/{repo}/contents/{path}?ref={ref}
      const answer = await call('read the CI file', () =>
        octokit().request<unknown>({
          method: 'GET',
          url: `/repos/{owner}/{repo}/contents/${encodeCiPath(path)}`,
          ...repo,
          ref,
          headers: { accept: 'application/vnd.github.object+json' },
        }),
      );
      const entry = parseGitHub(contentObjectSchema, answer.data, 'file');
      if (entry.type !== 'file') throw notAFile(path);
      return entry.sha;
    } catch (error) {
      if (isScmError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The commit a branch points at, or undefined when there is no such branch; an empty repository rejects. */
  async function branchHead(repo: Repo, branch: string): Promise<string | undefined> {
    try {
      // GET /repos/{owner}/{repo}/git/ref/heads/{branch}; its 409 (empty repository) is final, not retried.
      const answer = await call('read the branch', () =>
        octokit().request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
          ...repo,
          ref: `heads/${branch}`,
          request: { retries: 0 },
        }),
      );
      return parseGitHub(refSchema, answer.data, 'git reference').object.sha;
    } catch (error) {
      // GitHub's git database answers 409 for an empty repository (no commit yet), and for one it is still
      // creating: either way there is nothing to branch from now.
      if (isScmError(error) && error.status === 409) throw emptyRepository(repo);
      if (isScmError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  async function defaultBranchOf(repo: Repo, known: string | null): Promise<string> {
    if (known !== null) return known;
    // GET /repos/{owner}/{repo}
    const answer = await call('read the repository', () =>
      octokit().request('GET /repos/{owner}/{repo}', repo),
    );
    const branch = parseGitHub(repositorySchema, answer.data, 'repository').default_branch;
    if (branch === undefined) throw emptyRepository(repo);
    return branch;
  }

  /** Writes `content` at `write.path` on `write.branch`, replacing blob `sha` when there is one. */
  async function putFile(
    write: ContentsWrite,
    file: { readonly content: Buffer; readonly message: string; readonly sha: string | undefined },
  ): Promise<{ sha: string; webUrl: string }> {
    // PUT /repos/{owner}/{repo}/contents/{path} (with the blob sha it replaces, when there is one)
    const answer = await call('write the CI file', async () => {
      try {
        return await octokit().request<unknown>({
          method: 'PUT',
          url: `/repos/{owner}/{repo}/contents/${encodeCiPath(write.path)}`,
          ...write.repo,
          message: file.message,
          content: file.content.toString('base64'),
          branch: write.branch,
          ...(file.sha === undefined ? {} : { sha: file.sha }),
          // A 409 (protection, or a file changed meanwhile) is final: sending it again changes nothing.
          request: { retries: 0 },
        });
      } catch (error) {
        throw contentsWriteRefusal(error, write) ?? error;
      }
    });
    const { commit } = parseGitHub(contentsWriteSchema, answer.data, 'commit');
    return { sha: commit.sha, webUrl: commit.html_url };
  }

  async function createBranch(repo: Repo, branch: string, sha: string): Promise<void> {
    try {
      // POST /repos/{owner}/{repo}/git/refs
      await call('create the branch', () =>
        octokit().request('POST /repos/{owner}/{repo}/git/refs', {
          ...repo,
          ref: `refs/heads/${branch}`,
          sha,
        }),
      );
    } catch (error) {
      // Another run made it meanwhile ("Reference already exists"): the branch is there, which is the goal.
      if (isScmError(error) && error.status === 422 && (await branchHead(repo, branch)) !== undefined) return;
      throw error;
    }
  }

  async function openPullRequest(repo: Repo, branch: string) {
    // GET /repos/{owner}/{repo}/pulls?state=open&head={owner}:{branch}
    const answer = await call('list the open pull requests', () =>
      octokit().request('GET /repos/{owner}/{repo}/pulls', {
        ...repo,
        state: 'open',
        head: `${repo.owner}:${branch}`,
        per_page: 1,
      }),
    );
    const [first] = Array.isArray(answer.data) ? answer.data : [];
    return first === undefined ? undefined : parseGitHub(pullSummarySchema, first, 'pull request');
  }

  async function createPullRequest(
    repo: Repo,
    pull: { title: string; body: string; head: string; base: string },
  ) {
    // POST /repos/{owner}/{repo}/pulls
    const answer = await call('open the pull request', () =>
      octokit().request('POST /repos/{owner}/{repo}/pulls', { ...repo, ...pull }),
    );
    return parseGitHub(pullSummarySchema, answer.data, 'pull request');
  }

  return {
    readFile,
    blobAt,
    branchHead,
    defaultBranchOf,
    putFile,
    createBranch,
    openPullRequest,
    createPullRequest,
  };
}

export type CiRequests = ReturnType<typeof createCiRequests>;
