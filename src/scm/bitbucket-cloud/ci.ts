import { isScmError, ScmError } from '../errors.js';
import { capped, checkFileTarget, encodePath, fileTooLarge, gitBlobId, maxFileBytes } from '../files.js';
import type {
  CiFile,
  CiJobResult,
  CiTemplate,
  CiWriter,
  ScmRepository,
  ScmRepositoryRef,
} from '../provider.js';
import { repoPathOf, type BitbucketClient, type BitbucketRepoPath } from './client.js';
import type { BitbucketCiClient, CiPullRequest } from './ci-client.js';
import {
  branchProtected,
  branchRestrictionKey,
  ciRefusal,
  operationScopes,
  pipelinesNotEnabled,
} from './ci-refusals.js';
import type { BitbucketCredential } from './connection-checks.js';

type CiRepository = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;

export interface BitbucketCiContext {
  readonly client: BitbucketClient;
  readonly ci: BitbucketCiClient;
  readonly credential: BitbucketCredential;
  /** The web root for links (https://bitbucket.org). */
  readonly webRoot: URL;
}

const write = operationScopes('repository:write', [
  'write:repository:bitbucket',
  'read:repository:bitbucket',
]);
const read = operationScopes('repository', ['read:repository:bitbucket']);
const pullRequestWrite = operationScopes('pullrequest:write', [
  'read:pullrequest:bitbucket',
  'write:pullrequest:bitbucket',
]);

/**
 * Adds the scanner's `bitbucket-pipelines.yml` (or any CI file) to Bitbucket Cloud repositories: through a
 * branch and a pull request (idempotent by branch and git blob id), or by a direct commit on the main branch.
 * Either way Pipelines is switched on for the repository first ("Update configuration" `{enabled: true}`), since
 * a disabled repository never runs the job; a token that may not check or switch it is refused before anything
 * is written (`forbidden` / `pipelines_not_enabled`). Files are read at the branch's head commit, never by
 * branch name in a `/src` path, which a `/` in the name would make ambiguous.
 */
export function createBitbucketCloudCiWriter(context: BitbucketCiContext): CiWriter {
  const { ci, credential } = context;
  const refused =
    (repo: BitbucketRepoPath, what: string, scopes: typeof write) =>
    (answer: Parameters<typeof ciRefusal>[3]) =>
      ciRefusal(credential, repo, what, answer, scopes);
  const webRoot = context.webRoot.href.replace(/\/+$/, '');

  /** The file's bytes at `commit`, or undefined when the path holds no file there. */
  async function bytesAt(repo: BitbucketRepoPath, commit: string, path: string): Promise<Buffer | undefined> {
    const target = checkFileTarget(commit, path);
    const encoded = encodePath(target);
    try {
      // GET /2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path}?format=meta
      const meta = await context.client.sourceMeta(repo, target.commitSha, encoded);
      if (meta.type !== 'commit_file') throw notAFile(target.path);
      if (meta.size !== null && meta.size !== undefined && meta.size > maxFileBytes) {
        throw fileTooLarge(target.path, meta.size);
      }
      // GET /2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path} (the raw file)
      return await capped(target.path, () =>
        context.client.sourceContent(repo, target.commitSha, encoded, maxFileBytes),
      );
    } catch (error) {
      // "If the path or commit in the URL does not exist": the commit is a branch head just read.
      if (isScmError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The commit `branch` points at, or undefined when there is no such branch. */
  async function headOf(repo: BitbucketRepoPath, branch: string): Promise<string | undefined> {
    const answer = await ci.branchHead(repo, branch);
    if (answer.ok) return answer.data;
    if (answer.status === 404) return undefined;
    throw refused(repo, 'read branches', read)(answer);
  }

  /** The main branch and its head; an empty repository rejects `repository_empty`. */
  async function mainHead(repo: BitbucketRepoPath, known: string | null) {
    let branch = known;
    if (branch === null) {
      const answer = await ci.mainBranch(repo);
      if (!answer.ok) throw refused(repo, 'read the repository', read)(answer);
      branch = answer.data;
    }
    const head = branch === null ? undefined : await headOf(repo, branch);
    if (branch === null || head === undefined) throw emptyRepository(repo);
    return { branch, head };
  }

  /** Switches Pipelines on when it is off or was never configured. */
  async function ensurePipelines(repo: BitbucketRepoPath): Promise<void> {
    const current = await ci.pipelinesEnabled(repo);
    if (current.ok && current.data) return;
    if (!current.ok && current.status !== 404) throw pipelinesNotEnabled(credential, repo, current);
    const enabled = await ci.enablePipelines(repo);
    if (!enabled.ok) throw pipelinesNotEnabled(credential, repo, enabled);
  }

  async function commit(
    repo: BitbucketRepoPath,
    branch: string,
    parent: string,
    template: Pick<CiTemplate, 'path' | 'content' | 'commitMessage'>,
    pullRequestMode: boolean,
  ): Promise<string> {
    const path = checkFileTarget(parent, template.path).path;
    const answer = await ci.commitFile(repo, {
      branch,
      message: template.commitMessage,
      path,
      content: Buffer.from(template.content, 'utf8'),
      parent,
    });
    if (answer.ok) return answer.data ?? (await headOf(repo, branch)) ?? parent;
    if (answer.refusal.key === branchRestrictionKey) throw branchProtected(repo, branch, pullRequestMode);
    if (answer.status === 409) throw branchMoved(repo, branch);
    throw refused(repo, 'commit files', write)(answer);
  }

  async function createBranch(repo: BitbucketRepoPath, branch: string, from: string): Promise<string> {
    const answer = await ci.createBranch(repo, branch, from);
    if (answer.ok) return answer.data;
    if (answer.refusal.key === branchRestrictionKey) throw branchProtected(repo, branch, true);
    // Another run made it meanwhile: the branch is there, which is the goal.
    const made = answer.status === 400 || answer.status === 409 ? await headOf(repo, branch) : undefined;
    if (made !== undefined) return made;
    throw refused(repo, 'create branches', write)(answer);
  }

  /** Our open pull request: from `branch` of this repository (not a fork's branch of the same name). */
  async function openPullRequest(
    repo: BitbucketRepoPath,
    branch: string,
  ): Promise<CiPullRequest | undefined> {
    const fullName = `${repo.workspace}/${repo.slug}`.toLowerCase();
    const answer = await ci.openPullRequests(repo, branch);
    if (!answer.ok) throw refused(repo, 'read pull requests', pullRequestWrite)(answer);
    // The query is checked here too: a branch name Bitbucket's query language reads otherwise selects nothing.
    return answer.data.find((pr) => {
      const source = pr.source.repository?.full_name?.toLowerCase();
      return pr.source.branch?.name === branch && (source === undefined || source === fullName);
    });
  }

  const pullRequestOf = (repo: BitbucketRepoPath, pr: CiPullRequest) => ({
    number: pr.id,
    webUrl: pr.links?.html?.href ?? `${webRoot}/${repo.workspace}/${repo.slug}/pull-requests/${pr.id}`,
  });

  return {
    system: 'bitbucket-pipelines',

    async readCiFile(repository: CiRepository, path: string, ref?: string): Promise<CiFile | undefined> {
      const repo = repoPathOf(repository);
      let commitSha: string;
      if (ref !== undefined && /^[0-9a-f]{40}$/i.test(ref)) {
        commitSha = ref;
      } else if (ref === undefined || ref === repository.defaultBranch) {
        commitSha = (await mainHead(repo, repository.defaultBranch)).head;
      } else {
        const head = await headOf(repo, ref);
        if (head === undefined) {
          throw new ScmError(
            'not-found',
            `\`${repository.fullName}\` has no branch \`${ref.slice(0, 200)}\`.`,
            {
              code: 'branch_not_found',
              status: 404,
            },
          );
        }
        commitSha = head;
      }
      const bytes = await bytesAt(repo, commitSha, path);
      return bytes === undefined ? undefined : { content: bytes.toString('utf8'), blobId: gitBlobId(bytes) };
    },

    async ensureCiJob(repository: CiRepository, template: CiTemplate): Promise<CiJobResult> {
      const repo = repoPathOf(repository);
      const wanted = gitBlobId(Buffer.from(template.content, 'utf8'));
      const main = await mainHead(repo, repository.defaultBranch);
      if (template.branch === main.branch) {
        throw new ScmError('invalid', 'The CI change is proposed on the main branch itself.', {
          code: 'ci_branch_is_default',
          fix: 'Choose a branch name other than the default branch for the CI change.',
        });
      }
      await ensurePipelines(repo);
      const onMain = await bytesAt(repo, main.head, template.path);
      if (onMain !== undefined && gitBlobId(onMain) === wanted) return { outcome: 'present' };

      const head =
        (await headOf(repo, template.branch)) ?? (await createBranch(repo, template.branch, main.head));
      const current = await bytesAt(repo, head, template.path);
      const changed = current === undefined || gitBlobId(current) !== wanted;
      if (changed) await commit(repo, template.branch, head, template, true);

      const open = await openPullRequest(repo, template.branch);
      if (open) return { outcome: changed ? 'updated' : 'unchanged', pullRequest: pullRequestOf(repo, open) };
      const created = await ci.createPullRequest(repo, {
        title: template.pullRequest.title,
        description: template.pullRequest.description,
        source: { branch: { name: template.branch } },
        destination: { branch: { name: main.branch } },
        close_source_branch: true,
      });
      if (!created.ok) throw refused(repo, 'open pull requests', pullRequestWrite)(created);
      return { outcome: 'opened', pullRequest: pullRequestOf(repo, created.data) };
    },

    async commitCiFile(
      repository: CiRepository,
      template: Pick<CiTemplate, 'path' | 'content' | 'commitMessage'>,
    ): Promise<CiJobResult> {
      const repo = repoPathOf(repository);
      const wanted = gitBlobId(Buffer.from(template.content, 'utf8'));
      const main = await mainHead(repo, repository.defaultBranch);
      await ensurePipelines(repo);
      const onMain = await bytesAt(repo, main.head, template.path);
      if (onMain !== undefined && gitBlobId(onMain) === wanted) return { outcome: 'present' };
      const sha = await commit(repo, main.branch, main.head, template, false);
      return {
        outcome: 'committed',
        commit: { sha, webUrl: `${webRoot}/${repo.workspace}/${repo.slug}/commits/${sha}` },
      };
    },
  };
}

function emptyRepository(repo: BitbucketRepoPath): ScmError {
  return new ScmError(
    'not-found',
    `\`${repo.workspace}/${repo.slug}\` is empty: it has no branch to add a CI file on.`,
    { code: 'repository_empty', fix: 'Push a first commit to the repository, then add the CI job again.' },
  );
}

function branchMoved(repo: BitbucketRepoPath, branch: string): ScmError {
  return new ScmError(
    'unavailable',
    `\`${branch.slice(0, 200)}\` of \`${repo.workspace}/${repo.slug}\` moved while the CI file was written.`,
    { code: 'branch_moved', status: 409, fix: 'Nothing to do: the next try writes on top of the new head.' },
  );
}

function notAFile(path: string): ScmError {
  return new ScmError('invalid', `\`${path.slice(0, 200)}\` is a directory in the repository, not a file.`, {
    code: 'ci_path_not_a_file',
    fix: 'Choose another path for the CI file.',
  });
}
