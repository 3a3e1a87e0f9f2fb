import type { GitLabApi } from './api.js';
import { mergeRequestDiff } from './merge-request-diff.js';
import { paginate } from './pagination.js';

/**
 * "List merge request diffs" (`GET /projects/:id/merge_requests/:iid/diffs`, GitLab 15.7+): the latest diff
 * version's files, paginated, each with `diff`, `new_path`, `old_path`, `a_mode`, `b_mode`, `new_file`,
 * `renamed_file`, `deleted_file`, `generated_file`.
 */
export function addMergeRequestDiffRoutes(api: GitLabApi): void {
  api.get('/projects/:id/merge_requests/:iid/diffs', (request, caller) => {
    caller.require('read');
    const project = api.project(caller, request.params.id!);
    const mr = api.mergeRequest(project, request.params.iid!);
    const files = mergeRequestDiff(project, mr.diffRefs).map((file, index) => ({ ...file, id: index + 1 }));
    return paginate(request, files, (file) => ({
      diff: file.diff,
      new_path: file.newPath,
      old_path: file.oldPath,
      a_mode: file.newFile ? '0' : '100644',
      b_mode: file.deletedFile ? '0' : '100644',
      new_file: file.newFile,
      renamed_file: file.renamedFile,
      deleted_file: file.deletedFile,
      generated_file: false,
    }));
  });
}
