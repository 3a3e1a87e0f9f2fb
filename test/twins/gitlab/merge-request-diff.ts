import { diffTrees, type FileDiff } from './diff.js';
import type { GitLabDiffRefs, GitLabProject } from './state.js';

/** The files at a commit (an unknown commit, such as an empty default branch's, has none). */
const treeAt = (project: GitLabProject, sha: string): ReadonlyMap<string, string> =>
  project.commits.get(sha)?.files ?? new Map();

/** A diff version of a merge request: from its base commit to its head, file by file. */
export function mergeRequestDiff(project: GitLabProject, refs: GitLabDiffRefs): FileDiff[] {
  return diffTrees(treeAt(project, refs.baseSha), treeAt(project, refs.headSha));
}
