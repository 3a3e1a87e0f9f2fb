import { gitBlobId } from '../files.js';
import type { CiJobResult, CiTemplate, CiWriter, ScmRepository, ScmRepositoryRef } from '../provider.js';
import { emptyRepository } from './ci-errors.js';
import { commitCiFile } from './ci-direct.js';
import { createCiRequests } from './ci-requests.js';
import type { GitHubContext } from './provider-context.js';
import { ownerAndRepo } from './schemas.js';

/** Git's blob id of `content`: what GitHub's contents API reports as `sha`, so equal content needs no download. */
export const gitBlobSha = gitBlobId;

type Target = ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>;

/**
 * Adds the scanner's workflow (GitHub Actions) through a pull request (scm-api §1.11) or a direct commit on the
 * default branch. Pull-request mode reads the default branch's head, creates the proposal branch when missing,
 * writes the file there only when its blob differs, and opens a pull request only when none is open for that
 * branch. Needs `contents: write`, `workflows: write` (for `.github/workflows`) and `pull_requests: write`. Every
 * write (branch, file, pull request) is content creation, paced per installation by the client.
 */
export function createGitHubCiWriter(context: GitHubContext): CiWriter {
  const requests = createCiRequests(context);

  return {
    system: 'github-actions',

    async readCiFile(repository: Target, path: string, ref?: string) {
      const repo = ownerAndRepo(repository.fullName);
      return requests.readFile(repo, path, ref ?? repository.defaultBranch ?? undefined);
    },

    async ensureCiJob(repository: Target, template: CiTemplate): Promise<CiJobResult> {
      const repo = ownerAndRepo(repository.fullName);
      const content = Buffer.from(template.content, 'utf8');
      const wanted = gitBlobSha(content);
      const base = await requests.defaultBranchOf(repo, repository.defaultBranch);
      const baseSha = await requests.branchHead(repo, base);
      if (baseSha === undefined) throw emptyRepository(repo);
      if ((await requests.blobAt(repo, template.path, base)) === wanted) return { outcome: 'present' };

      if ((await requests.branchHead(repo, template.branch)) === undefined) {
        await requests.createBranch(repo, template.branch, baseSha);
      }
      const current = await requests.blobAt(repo, template.path, template.branch);
      const changed = current !== wanted;
      if (changed) {
        await requests.putFile(
          { repo, path: template.path, branch: template.branch, direct: false },
          { content, message: template.commitMessage, sha: current },
        );
      }
      const open = await requests.openPullRequest(repo, template.branch);
      if (open) {
        return {
          outcome: changed ? 'updated' : 'unchanged',
          pullRequest: { number: open.number, webUrl: open.html_url },
        };
      }
      const created = await requests.createPullRequest(repo, {
        title: template.pullRequest.title,
        body: template.pullRequest.description,
        head: template.branch,
        base,
      });
      return { outcome: 'opened', pullRequest: { number: created.number, webUrl: created.html_url } };
    },

    commitCiFile: (repository, template) => commitCiFile(requests, repository, template),
  };
}
