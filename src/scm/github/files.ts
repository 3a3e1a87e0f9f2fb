import { ScmError, isScmError } from '../errors.js';
import {
  checkFileTarget,
  encodePath,
  fileTooLarge,
  gitBlobId,
  isNotFound,
  maxFileBytes,
  missingFile,
  withinLimit,
  type FileTarget,
} from '../files.js';
import type { FileReader, ScmFile, ScmRepositoryRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import { blobSchema, contentObjectSchema, ownerAndRepo, parseGitHub } from './schemas.js';

type Repo = { readonly owner: string; readonly repo: string };

/**
 * Files at a commit through the contents API, asked for with the `object` media type ("Get repository
 * content"): one shape for files, symlinks, submodules and directories, and the only JSON form GitHub serves
 * for files of 1–100 MB (then without content: read by the blob's `sha` from the git database, which serves
 * blobs up to 100 MB). `sha` is the git blob id. Needs `contents: read`.
 */
export function createGitHubFileReader(context: GitHubContext): FileReader {
  const octokit = () => context.octokit();
  const call = <T>(what: string, run: () => Promise<T>) => onInstallation(context, what, run);

  async function commitExists(repo: Repo, commitSha: string): Promise<boolean> {
    try {
      // GET /repos/{owner}/{repo}/git/commits/{commit_sha}
      await call('read the commit', () =>
        octokit().request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
          ...repo,
          commit_sha: commitSha,
          request: { retries: 0 },
        }),
      );
      return true;
    } catch (error) {
      // 404 unknown commit or repository; 409 an empty repository; 422 not a commit id GitHub accepts.
      if (isNotFound(error) || (isScmError(error) && (error.status === 409 || error.status === 422))) {
        return false;
      }
      throw error;
    }
  }

  async function blobContent(repo: Repo, sha: string): Promise<Buffer> {
    // GET /repos/{owner}/{repo}/git/blobs/{file_sha}
    const answer = await call('read a file', () =>
      octokit().request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { ...repo, file_sha: sha }),
    );
    const blob = parseGitHub(blobSchema, answer.data, 'blob');
    if (blob.encoding !== 'base64') throw unreadable('blob');
    return Buffer.from(blob.content, 'base64');
  }

  async function entryAt(repo: Repo, target: FileTarget) {
    // GET /repos/{owner}/{repo}/contents/{path}?ref={sha} (Accept: application/vnd.github.object+json); the
    // path is sent segment by segment, so `/` stays a separator
    const answer = await call('read a file', () =>
      octokit().request<unknown>({
        method: 'GET',
        url: `/repos/{owner}/{repo}/contents/${encodePath(target)}`,
        ...repo,
        ref: target.commitSha,
        headers: { accept: 'application/vnd.github.object+json' },
      }),
    );
    return parseGitHub(contentObjectSchema, answer.data, 'file');
  }

  return {
    async readFile(
      repository: ScmRepositoryRef,
      commitSha: string,
      path: string,
    ): Promise<ScmFile | undefined> {
      const target = checkFileTarget(commitSha, path);
      const repo = ownerAndRepo(repository.fullName);
      let entry: Awaited<ReturnType<typeof entryAt>>;
      try {
        entry = await entryAt(repo, target);
      } catch (error) {
        // The contents API answers 404 alike for a missing path, commit or repository.
        if (!isNotFound(error)) throw error;
        return missingFile(repository, target, () => commitExists(repo, target.commitSha));
      }
      // A directory, a submodule, or a symlink GitHub did not resolve to a file of the repository.
      if (entry.type !== 'file') return undefined;
      if (entry.size > maxFileBytes) throw fileTooLarge(target.path, entry.size);
      const inline = entry.encoding === 'base64' && entry.content !== undefined;
      const content = inline ? Buffer.from(entry.content!, 'base64') : await blobContent(repo, entry.sha);
      if (gitBlobId(content) !== entry.sha) throw unreadable('file (its content does not match its sha)');
      return withinLimit(target.path, { content, blobId: entry.sha });
    },
  };
}

const unreadable = (what: string) =>
  new ScmError('invalid', `GitHub answered with an unreadable ${what}.`, {
    code: 'upstream_invalid_response',
  });
