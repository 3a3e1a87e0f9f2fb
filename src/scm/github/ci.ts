import { isScmError, ScmError } from '../errors.js';
import { gitBlobId } from '../files.js';
import type { CiJobResult, CiTemplate, CiWriter, ScmRepository, ScmRepositoryRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import {
  contentFileSchema,
  ownerAndRepo,
  parseGitHub,
  pullSummarySchema,
  refSchema,
  repositorySchema,
} from './schemas.js';

/** Git's blob id of `content`: what GitHub's contents API reports as `sha`, so equal content needs no download. */
export const gitBlobSha = gitBlobId;

type Repo = { readonly owner: string; readonly repo: string };

/**
 * Adds the scanner's workflow through a pull request (scm-api §1.11): read the default branch's head, create
 * the proposal branch when missing, write the file there only when its blob differs, and open a pull request
 * only when none is open for that branch. Needs `contents: write`, `workflows: write` (for `.github/workflows`)
 * and `pull_requests: write`.
 */
export function createGitHubCiWriter(context: GitHubContext): CiWriter {
  const octokit = () => context.octokit();
  const call = <T>(what: string, run: () => Promise<T>) => onInstallation(context, what, run);

  /** A file's blob sha on `ref`, or undefined when the path holds no file there. */
  async function blobAt(repo: Repo, path: string, ref: string): Promise<string | undefined> {
    try {
      // GET /repos/{owner}/{repo}/contents/{path}?ref={ref}
      const answer = await call('read the CI file', () =>
        octokit().request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path, ref }),
      );
      if (Array.isArray(answer.data)) throw notAFile(path);
      const file = parseGitHub(contentFileSchema, answer.data, 'file');
      if (file.type !== 'file') throw notAFile(path);
      return file.sha;
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

  return {
    async ensureCiJob(
      repository: ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>,
      template: CiTemplate,
    ): Promise<CiJobResult> {
      const repo = ownerAndRepo(repository.fullName);
      const content = Buffer.from(template.content, 'utf8');
      const wanted = gitBlobSha(content);
      const base = await defaultBranchOf(repo, repository.defaultBranch);
      const baseSha = await branchHead(repo, base);
      if (baseSha === undefined) throw emptyRepository(repo);
      if ((await blobAt(repo, template.path, base)) === wanted) return { outcome: 'present' };

      if ((await branchHead(repo, template.branch)) === undefined) {
        await createBranch(repo, template.branch, baseSha);
      }
      const current = await blobAt(repo, template.path, template.branch);
      const changed = current !== wanted;
      if (changed) {
        // PUT /repos/{owner}/{repo}/contents/{path} (with the blob sha it replaces, when there is one)
        await call('write the CI file', () =>
          octokit().request('PUT /repos/{owner}/{repo}/contents/{path}', {
            ...repo,
            path: template.path,
            message: template.commitMessage,
            content: content.toString('base64'),
            branch: template.branch,
            ...(current === undefined ? {} : { sha: current }),
          }),
        );
      }
      const open = await openPullRequest(repo, template.branch);
      if (open) {
        return {
          outcome: changed ? 'updated' : 'unchanged',
          pullRequest: { number: open.number, webUrl: open.html_url },
        };
      }
      // POST /repos/{owner}/{repo}/pulls
      const answer = await call('open the pull request', () =>
        octokit().request('POST /repos/{owner}/{repo}/pulls', {
          ...repo,
          title: template.pullRequest.title,
          body: template.pullRequest.description,
          head: template.branch,
          base,
        }),
      );
      const created = parseGitHub(pullSummarySchema, answer.data, 'pull request');
      return { outcome: 'opened', pullRequest: { number: created.number, webUrl: created.html_url } };
    },
  };

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
}

function emptyRepository(repo: Repo): ScmError {
  return new ScmError(
    'not-found',
    `\`${repo.owner}/${repo.repo}\` is empty (or still being created): it has no branch to propose a CI file on.`,
    {
      code: 'repository_empty',
      fix: 'Push a first commit to the repository, then add the CI job again.',
    },
  );
}

function notAFile(path: string): ScmError {
  return new ScmError('invalid', `\`${path.slice(0, 200)}\` is a directory in the repository, not a file.`, {
    code: 'ci_path_not_a_file',
    fix: 'Choose another path for the CI file.',
  });
}
