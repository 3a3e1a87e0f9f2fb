import { isScmError } from '../errors.js';
import { gitBlobId } from '../files.js';
import type { CiJobResult, CiTemplate, ScmRepository, ScmRepositoryRef } from '../provider.js';
import { emptyRepository } from './ci-errors.js';
import type { CiRequests } from './ci-requests.js';
import { ownerAndRepo } from './schemas.js';

/**
 * Direct mode: one commit of the file on the default branch (`PUT …/contents/{path}` with the blob sha it
 * replaces), or `present` when the branch already holds this content. A protected branch or ruleset refuses
 * with `forbidden` / `branch_protected`. When the file changed between reading and writing (409), it is read
 * once more and written again.
 */
export async function commitCiFile(
  requests: CiRequests,
  repository: ScmRepositoryRef & Pick<ScmRepository, 'defaultBranch'>,
  template: Pick<CiTemplate, 'path' | 'content' | 'commitMessage'>,
): Promise<CiJobResult> {
  const repo = ownerAndRepo(repository.fullName);
  const content = Buffer.from(template.content, 'utf8');
  const wanted = gitBlobId(content);
  const branch = await requests.defaultBranchOf(repo, repository.defaultBranch);
  if ((await requests.branchHead(repo, branch)) === undefined) throw emptyRepository(repo);
  for (let attempt = 1; ; attempt++) {
    const current = await requests.blobAt(repo, template.path, branch);
    if (current === wanted) return { outcome: 'present' };
    try {
      const commit = await requests.putFile(
        { repo, path: template.path, branch, direct: true },
        { content, message: template.commitMessage, sha: current },
      );
      return { outcome: 'committed', commit };
    } catch (error) {
      if (attempt < 2 && isScmError(error) && error.code === 'ci_file_changed') continue;
      throw error;
    }
  }
}
