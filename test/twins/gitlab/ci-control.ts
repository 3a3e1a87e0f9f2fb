import type { GitLabBranchProtection, GitLabProject, GitLabState, GitLabVariable } from './state.js';

/**
 * What a test arranges and reads around CI files: protected branch rules as a Maintainer sets them under
 * Settings > Repository > Protected branches, and the CI/CD variables as a pipeline would receive them.
 */
export interface GitLabCiControl {
  /**
   * Protects `branch` (or changes its rule): `pushAccessLevel` 0 (no one), 30 (Developers and Maintainers, GitLab's
   * `developers_can_push`) or 40 (Maintainers).
   */
  protectBranch(
    pathWithNamespace: string,
    branch: string,
    rule: Partial<GitLabBranchProtection> & Pick<GitLabBranchProtection, 'pushAccessLevel'>,
  ): void;
  unprotectBranch(pathWithNamespace: string, branch: string): void;
  /** The CI's view of a project's variable: its value and flags, or undefined when the project has none of that key. */
  ciVariable(pathWithNamespace: string, key: string): Readonly<GitLabVariable> | undefined;
}

export function createGitLabCiControl(state: GitLabState): GitLabCiControl {
  const projectOf = (path: string): GitLabProject => {
    const project = state.project(path);
    if (!project) throw new Error(`GitLab twin: no project ${path}`);
    return project;
  };
  return {
    protectBranch(path, branch, rule) {
      projectOf(path).protectedBranches.set(branch, {
        pushAccessLevel: rule.pushAccessLevel,
        mergeAccessLevel: rule.mergeAccessLevel ?? 40,
      });
    },
    unprotectBranch(path, branch) {
      projectOf(path).protectedBranches.delete(branch);
    },
    ciVariable(path, key) {
      const variable = projectOf(path).variables.get(key);
      return variable === undefined ? undefined : { ...variable };
    },
  };
}
