import { ScmError } from '../errors.js';
import { gitBlobId } from '../files.js';
import type {
  CiFile,
  CiJobResult,
  CiTemplate,
  CiWriter,
  ScmRepository,
  ScmRepositoryRef,
} from '../provider.js';
import type { AdoCiClient, CiRefusal } from './ci-client.js';
import { ciData, ciRefusalError, codeRead, codeWrite } from './ci-errors.js';
import { ensurePipeline, type CiRepository } from './ci-pipeline.js';
import type { AdoPush } from './ci-schemas.js';
import type { AdoContext } from './connection-checks.js';
import { repoOf } from './files.js';

type Repository = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;

const heads = (branch: string) => `refs/heads/${branch}`;

/** The blob a path holds on a branch. */
interface Blob {
  readonly objectId: string;
  readonly content: string;
}

/** A file to write on a branch, and the blob id its bytes have. */
interface FileChange {
  readonly path: string;
  readonly content: string;
  readonly message: string;
  readonly blobId: string;
}

/**
 * Azure Pipelines through the Git REST API (7.1): files are read with "Items - Get" (`includeContent`; `objectId`
 * is the git blob id), written with one "Pushes - Create" per change (the new branch and its commit together,
 * `oldObjectId` = the commit it starts from, as Microsoft's "update a file in a new branch" example does), and
 * proposed with "Pull Requests - Create". A push that lost a race (409 `GitReferenceStaleException`, TF401028) is
 * tried once more from the fresh head. Every outcome then makes sure a YAML pipeline runs the file
 * (`ensurePipeline`). Needs `vso.code_write`, `vso.build_execute`, `vso.variablegroups_read` and
 * `vso.pipelineresources_manage` (see README).
 */
export function createAzureDevOpsCiWriter(ctx: AdoContext, ci: AdoCiClient): CiWriter {
  function target(repository: ScmRepositoryRef): CiRepository {
    const { project, repositoryId } = repoOf(repository);
    return { project, repositoryId, name: repository.fullName.split('/')[2]!, fullName: repository.fullName };
  }

  const gitWeb = (repo: CiRepository) =>
    `${ctx.webRoot}/${[ctx.organization, repo.project].map(encodeURIComponent).join('/')}/_git/${encodeURIComponent(repo.name)}`;

  async function defaultBranchOf(repo: CiRepository, known: string | null): Promise<string> {
    if (known !== null) return known;
    const answer = ciData(ctx, codeRead(`read ${repo.fullName}`), await ci.repository(repo));
    if (!answer.defaultBranch) throw emptyRepository(repo);
    return answer.defaultBranch.replace(/^refs\/heads\//, '');
  }

  async function headOf(repo: CiRepository, branch: string): Promise<string | undefined> {
    const what = codeRead(`read the branches of ${repo.fullName}`);
    return ciData(ctx, what, await ci.branch(repo, branch))?.objectId;
  }

  /** The head of a branch that must exist: an empty repository or a missing branch rejects. */
  async function requireHead(repo: CiRepository, branch: string): Promise<string> {
    const head = await headOf(repo, branch);
    if (head !== undefined) return head;
    throw await missingBranch(repo, branch);
  }

  async function missingBranch(repo: CiRepository, branch: string): Promise<ScmError> {
    const any = ciData(ctx, codeRead(`read the branches of ${repo.fullName}`), await ci.hasBranches(repo));
    if (!any) return emptyRepository(repo);
    return new ScmError(
      'not-found',
      `${repo.fullName} has no branch ${JSON.stringify(branch.slice(0, 200))}.`,
      {
        code: 'branch_not_found',
        fix: 'Sync the connection: the default branch may have been renamed or deleted.',
      },
    );
  }

  /** The blob at `path` on `branch`, or undefined when the path holds none there. */
  async function blobAt(repo: CiRepository, path: string, branch: string): Promise<Blob | undefined> {
    const answer = await ci.item(repo, itemPath(path), branch);
    if (answer.ok) {
      const kind = (answer.data.gitObjectType ?? 'blob').toLowerCase();
      if (answer.data.isFolder === true || kind !== 'blob') throw notAFile(path);
      return { objectId: answer.data.objectId.toLowerCase(), content: answer.data.content ?? '' };
    }
    // 404 TF401174 (GitItemNotFoundException): no such path. Any other 404 (TF401175, the branch does not
    // resolve to a commit) is a missing branch or an empty repository.
    if (answer.status === 404 && answer.typeKey === 'GitItemNotFoundException') return undefined;
    if (answer.status === 404 && !answer.signIn) {
      if ((await headOf(repo, branch)) !== undefined) return undefined;
      throw await missingBranch(repo, branch);
    }
    throw ciRefusalError(ctx, codeRead(`read ${path} in ${repo.fullName}`), answer);
  }

  /**
   * Makes `change.path` on `branch` hold the change's blob. A branch that does not exist yet is made from
   * `startFrom` by the same push. Resolves with the push, or undefined when the branch already holds the blob.
   */
  async function writeOnBranch(
    repo: CiRepository,
    branch: string,
    change: FileChange,
    startFrom: { readonly branch: string; readonly commit: string },
  ): Promise<AdoPush | undefined> {
    for (let attempt = 1; ; attempt++) {
      const head = await headOf(repo, branch);
      const current = await blobAt(repo, change.path, head === undefined ? startFrom.branch : branch);
      if (current?.objectId === change.blobId) return undefined;
      // POST …/pushes
      const answer = await ci.push(repo, {
        refUpdates: [{ name: heads(branch), oldObjectId: head ?? startFrom.commit }],
        commits: [
          {
            comment: change.message,
            changes: [
              {
                changeType: current === undefined ? 'add' : 'edit',
                item: { path: itemPath(change.path) },
                newContent: { content: change.content, contentType: 'rawtext' },
              },
            ],
          },
        ],
      });
      if (answer.ok) return answer.data;
      // Someone pushed to the branch since its head was read: read it again and try once more.
      if (answer.status === 409 && attempt === 1) continue;
      throw pushError(repo, branch, answer);
    }
  }

  function pushError(repo: CiRepository, branch: string, answer: CiRefusal): ScmError {
    if (answer.status === 403 && answer.typeKey === 'GitRefUpdateRejectedByPolicyException') {
      return new ScmError(
        'forbidden',
        `A branch policy on ${branch} of ${repo.fullName} refuses direct pushes (TF402455): changes must come through a pull request.`,
        {
          code: 'branch_protected',
          status: 403,
          fix: `Add the CI job through a pull request instead, or give the token's user "Bypass policies when pushing" on ${branch} (Project settings > Repositories > ${repo.name} > Policies and Security).`,
        },
      );
    }
    if (answer.status === 409) {
      return new ScmError(
        'unavailable',
        `${branch} of ${repo.fullName} moved again while the CI file was written; nothing was pushed.`,
        { code: 'branch_moved', status: 409, fix: 'Try again.' },
      );
    }
    return ciRefusalError(ctx, codeWrite(`push to ${branch} of ${repo.fullName}`), answer);
  }

  async function openPullRequest(repo: CiRepository, template: CiTemplate, base: string) {
    const what = codeWrite(`open a pull request in ${repo.fullName}`);
    const find = async () =>
      ciData(ctx, what, await ci.activePullRequests(repo, heads(template.branch), heads(base)))[0];
    const open = await find();
    if (open) return { pullRequest: open, opened: false };
    const created = await ci.createPullRequest(repo, {
      sourceRefName: heads(template.branch),
      targetRefName: heads(base),
      title: template.pullRequest.title,
      description: template.pullRequest.description,
    });
    if (created.ok) return { pullRequest: created.data, opened: true };
    // 409 TF401179: another run opened it meanwhile.
    const raced = created.status === 409 ? await find() : undefined;
    if (raced) return { pullRequest: raced, opened: false };
    throw ciRefusalError(ctx, what, created);
  }

  const changeOf = (template: Pick<CiTemplate, 'path' | 'content' | 'commitMessage'>): FileChange => ({
    path: template.path,
    content: template.content,
    message: template.commitMessage,
    blobId: gitBlobId(Buffer.from(template.content, 'utf8')),
  });

  return {
    system: 'azure-pipelines',

    async readCiFile(repository, path, ref): Promise<CiFile | undefined> {
      const repo = target(repository);
      const branch = ref ?? (await defaultBranchOf(repo, repository.defaultBranch));
      const blob = await blobAt(repo, path, branch);
      return blob && { content: blob.content, blobId: blob.objectId };
    },

    async ensureCiJob(repository: Repository, template: CiTemplate): Promise<CiJobResult> {
      const repo = target(repository);
      const change = changeOf(template);
      const base = await defaultBranchOf(repo, repository.defaultBranch);
      const baseHead = await requireHead(repo, base);
      if ((await blobAt(repo, template.path, base))?.objectId === change.blobId) {
        await ensurePipeline(ctx, ci, repo, template.path);
        return { outcome: 'present' };
      }
      const pushed = await writeOnBranch(repo, template.branch, change, { branch: base, commit: baseHead });
      const { pullRequest, opened } = await openPullRequest(repo, template, base);
      await ensurePipeline(ctx, ci, repo, template.path);
      const number = pullRequest.pullRequestId;
      return {
        outcome: opened ? 'opened' : pushed ? 'updated' : 'unchanged',
        pullRequest: { number, webUrl: `${gitWeb(repo)}/pullrequest/${number}` },
      };
    },

    async commitCiFile(repository, template): Promise<CiJobResult> {
      const repo = target(repository);
      const change = changeOf(template);
      const base = await defaultBranchOf(repo, repository.defaultBranch);
      const baseHead = await requireHead(repo, base);
      const pushed = await writeOnBranch(repo, base, change, { branch: base, commit: baseHead });
      await ensurePipeline(ctx, ci, repo, template.path);
      const sha = pushed?.commits?.at(-1)?.commitId ?? pushed?.refUpdates?.[0]?.newObjectId;
      if (!sha) return { outcome: 'present' };
      return { outcome: 'committed', commit: { sha, webUrl: `${gitWeb(repo)}/commit/${sha}` } };
    },
  };
}

/** `/azure-pipelines.yml` for `azure-pipelines.yml`: item paths are rooted. */
function itemPath(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0 || segments.includes('..')) {
    throw new ScmError(
      'invalid',
      `${JSON.stringify(path.slice(0, 200))} is not a file path in a repository.`,
      {
        code: 'invalid_path',
        fix: 'Choose a path relative to the repository root, such as azure-pipelines.yml.',
      },
    );
  }
  return `/${segments.join('/')}`;
}

function emptyRepository(repo: CiRepository): ScmError {
  return new ScmError('not-found', `${repo.fullName} is empty: it has no branch to add a CI file to.`, {
    code: 'repository_empty',
    fix: 'Push a first commit to the repository, then add the CI job again.',
  });
}

function notAFile(path: string): ScmError {
  return new ScmError('invalid', `\`${path.slice(0, 200)}\` is a directory in the repository, not a file.`, {
    code: 'ci_path_not_a_file',
    fix: 'Choose another path for the CI file.',
  });
}
