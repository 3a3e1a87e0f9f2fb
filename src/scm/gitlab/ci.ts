import { ScmError } from '../errors.js';
import { checkFileTarget, gitBlobId } from '../files.js';
import type {
  CiFile,
  CiJobResult,
  CiTemplate,
  CiWriter,
  ScmRepository,
  ScmRepositoryRef,
} from '../provider.js';
import type { GitLabCiClient, GitLabCiRefusal } from './ci-client.js';
import {
  branchProtected,
  defaultBranchMissing,
  projectNotFound,
  refusalError,
  repositoryEmpty,
} from './ci-errors.js';
import type { GitLabCreatedCommit, GitLabMergeRequest } from './schemas.js';

type Repo = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;

/** GitLab's answer when a ref (branch or commit) does not exist: the file read had nothing to read at. */
const noRef = Symbol('no such ref');

/** The Developer role (30): what pushing a branch takes on an unprotected branch. */
const developer = 30;

const isProjectMissing = (refusal: GitLabCiRefusal) =>
  refusal.status === 404 && /project/i.test(refusal.text);

/**
 * Adds the scanner's `.gitlab-ci.yml` through a merge request (`ensureCiJob`) or a direct commit
 * (`commitCiFile`), with the Branches, Repository files, Commits and Merge requests APIs. Needs the `api` scope
 * and the Developer role (a protected default branch takes whatever role its rule allows to push, Maintainer by
 * default). Equal content is told by git's blob id, so a second run writes nothing.
 */
export function createGitLabCiWriter(client: GitLabCiClient, webRoot: string): CiWriter {
  const web = webRoot.replace(/\/+$/, '');

  async function project(repo: Repo) {
    const answer = await client.project(repo.externalId);
    if (!answer.ok) throw refusalError(answer.refusal, 'read the project', repo);
    return answer.data;
  }

  async function defaultBranchOf(repo: Repo): Promise<string> {
    if (repo.defaultBranch !== null) return repo.defaultBranch;
    const found = await project(repo);
    if (found.empty_repo === true || !found.default_branch) throw repositoryEmpty(repo);
    return found.default_branch;
  }

  /** The error for a default branch GitLab does not have: the project is empty, or the branch went away. */
  async function missingBase(repo: Repo, base: string): Promise<ScmError> {
    return (await project(repo)).empty_repo === true
      ? repositoryEmpty(repo)
      : defaultBranchMissing(repo, base);
  }

  /** The commit `branch` points at, or undefined when there is no such branch. */
  async function headOf(repo: Repo, branch: string): Promise<string | undefined> {
    // GET /projects/:id/repository/branches/:branch
    const answer = await client.branch(repo.externalId, branch);
    if (answer.ok) return answer.data.commit.id;
    if (answer.refusal.status === 404 && !isProjectMissing(answer.refusal)) return undefined;
    throw refusalError(answer.refusal, `read the branch \`${branch}\``, repo);
  }

  /** The file at `path` on `ref`; undefined when the path holds none there; `noRef` when GitLab knows no `ref`. */
  async function fileAt(repo: Repo, path: string, ref: string): Promise<CiFile | undefined | typeof noRef> {
    // GET /projects/:id/repository/files/:file_path?ref=
    const answer = await client.file(repo.externalId, path, ref);
    if (!answer.ok) {
      const { refusal } = answer;
      if (isProjectMissing(refusal)) throw projectNotFound(repo);
      if (refusal.status === 404) return /commit/i.test(refusal.text) ? noRef : undefined;
      throw refusalError(refusal, `read \`${path}\``, repo);
    }
    const file = answer.data;
    const bytes = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : undefined;
    if (bytes === undefined || gitBlobId(bytes) !== file.blob_id) throw unreadable();
    return { content: bytes.toString('utf8'), blobId: file.blob_id };
  }

  /** The blob id of `path` on a branch that exists (a vanished branch rejects as the default branch would). */
  async function blobOn(repo: Repo, path: string, branch: string): Promise<string | undefined> {
    const file = await fileAt(repo, path, branch);
    if (file === noRef) throw await missingBase(repo, branch);
    return file?.blobId;
  }

  async function createBranch(repo: Repo, branch: string, ref: string): Promise<void> {
    // POST /projects/:id/repository/branches
    const answer = await client.createBranch(repo.externalId, branch, ref);
    if (answer.ok) return;
    // Another run made it meanwhile: the branch is there, which is the goal.
    if (answer.refusal.status === 400 && /already exists/i.test(answer.refusal.text)) return;
    throw refusalError(answer.refusal, `create the branch \`${branch}\``, repo);
  }

  async function commitFile(
    repo: Repo,
    branch: string,
    template: Pick<CiTemplate, 'content' | 'commitMessage'>,
    path: string,
    exists: boolean,
  ): Promise<GitLabCreatedCommit> {
    // POST /projects/:id/repository/commits (one create or update action)
    const answer = await client.commit(repo.externalId, branch, template.commitMessage, {
      action: exists ? 'update' : 'create',
      file_path: path,
      content: template.content,
      encoding: 'text',
    });
    if (answer.ok) return answer.data;
    const { refusal } = answer;
    if (refusal.status === 403 && refusal.error !== 'insufficient_scope')
      throw await pushRefused(repo, branch, refusal);
    throw refusalError(refusal, `commit \`${path}\` to \`${branch}\``, repo);
  }

  /**
   * GitLab answers a push it refuses with one text, for a role below Developer and a protected branch alike
   * ("You are not allowed to push into this branch"): the branch's protection and the user's role tell which.
   */
  async function pushRefused(repo: Repo, branch: string, refusal: GitLabCiRefusal): Promise<ScmError> {
    const info = await client.branch(repo.externalId, branch);
    if (info.ok && info.data.protected === true) {
      const found = await project(repo);
      const access = found.permissions;
      const level = Math.max(
        access?.project_access?.access_level ?? 0,
        access?.group_access?.access_level ?? 0,
      );
      if (access == null || level >= developer) return branchProtected(repo, branch);
    }
    return refusalError(refusal, `push to \`${branch}\``, repo);
  }

  async function openMergeRequest(repo: Repo, branch: string): Promise<GitLabMergeRequest | undefined> {
    // GET /projects/:id/merge_requests?state=opened&source_branch=
    const answer = await client.openMergeRequest(repo.externalId, branch);
    if (!answer.ok) throw refusalError(answer.refusal, 'list the open merge requests', repo);
    return answer.data;
  }

  const pullRequestOf = (repo: Repo, mr: GitLabMergeRequest) => ({
    number: mr.iid,
    webUrl: mr.web_url ?? `${web}/${repo.fullName}/-/merge_requests/${mr.iid}`,
  });

  /** The template's path, refused before any call when it is absolute, leaves the repository or is empty. */
  const ciPath = (path: string) => checkFileTarget('0'.repeat(40), path).path;

  return {
    system: 'gitlab-ci',

    async readCiFile(repository, path, ref) {
      const target = ciPath(path);
      const at = ref ?? (await defaultBranchOf(repository));
      const file = await fileAt(repository, target, at);
      if (file !== noRef) return file;
      // An unknown ref holds no file, unless it is the default branch: then the project is empty (or the
      // inventory is out of date).
      if (ref === undefined || ref === repository.defaultBranch) throw await missingBase(repository, at);
      return undefined;
    },

    async ensureCiJob(repository, template): Promise<CiJobResult> {
      const path = ciPath(template.path);
      const wanted = gitBlobId(Buffer.from(template.content, 'utf8'));
      const base = await defaultBranchOf(repository);
      if ((await headOf(repository, base)) === undefined) throw await missingBase(repository, base);
      if ((await blobOn(repository, path, base)) === wanted) return { outcome: 'present' };

      if ((await headOf(repository, template.branch)) === undefined) {
        await createBranch(repository, template.branch, base);
      }
      const current = await blobOn(repository, path, template.branch);
      const changed = current !== wanted;
      if (changed) await commitFile(repository, template.branch, template, path, current !== undefined);

      const open = await openMergeRequest(repository, template.branch);
      const outcome = changed ? 'updated' : 'unchanged';
      if (open) return { outcome, pullRequest: pullRequestOf(repository, open) };
      // POST /projects/:id/merge_requests
      const created = await client.createMergeRequest(repository.externalId, {
        source_branch: template.branch,
        target_branch: base,
        title: template.pullRequest.title,
        description: template.pullRequest.description,
      });
      if (created.ok) return { outcome: 'opened', pullRequest: pullRequestOf(repository, created.data) };
      // 409: another run opened one for this branch meanwhile; converge on it.
      const raced =
        created.refusal.status === 409 ? await openMergeRequest(repository, template.branch) : undefined;
      if (raced) return { outcome, pullRequest: pullRequestOf(repository, raced) };
      throw refusalError(created.refusal, 'open the merge request', repository);
    },

    async commitCiFile(repository, template): Promise<CiJobResult> {
      const path = ciPath(template.path);
      const wanted = gitBlobId(Buffer.from(template.content, 'utf8'));
      const base = await defaultBranchOf(repository);
      if ((await headOf(repository, base)) === undefined) throw await missingBase(repository, base);
      const current = await blobOn(repository, path, base);
      if (current === wanted) return { outcome: 'present' };
      const commit = await commitFile(repository, base, template, path, current !== undefined);
      return {
        outcome: 'committed',
        commit: {
          sha: commit.id,
          webUrl: commit.web_url ?? `${web}/${repository.fullName}/-/commit/${commit.id}`,
        },
      };
    },
  };
}

const unreadable = () =>
  new ScmError('invalid', 'GitLab answered with a file whose content does not match its blob id.', {
    code: 'upstream_invalid_response',
    fix: 'Try again; if it persists, check the GitLab instance.',
  });
