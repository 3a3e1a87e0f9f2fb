import type { BitbucketRepository, BitbucketState } from './state.js';

/** What Bitbucket Pipelines itself sees of a repository, and the branch restrictions people set in its settings. */
export interface BitbucketPipelinesControl {
  /**
   * The CI's view of a repository variable: its value as a pipeline step reads it (secured or not), which the
   * API never answers for secured variables. Undefined when no variable has that key.
   */
  pipelineVariable(
    workspace: string,
    slug: string,
    key: string,
  ): { readonly value: string; readonly secured: boolean } | undefined;
  /** Whether Pipelines is enabled for the repository (false when never configured). */
  pipelinesEnabled(workspace: string, slug: string): boolean;
  /**
   * Adds a branch restriction of kind `push` (Repository settings > Branch restrictions): only `users`
   * (account ids) may push to branches matching `pattern`; access tokens never may.
   */
  restrictBranch(workspace: string, slug: string, pattern: string, users?: readonly string[]): void;
}

export function createPipelinesControl(state: BitbucketState): BitbucketPipelinesControl {
  const repositoryOf = (workspace: string, slug: string): BitbucketRepository => {
    const repo = state.workspace(workspace)?.repositories.get(slug);
    if (!repo) throw new Error(`Bitbucket twin: no repository ${workspace}/${slug}`);
    return repo;
  };
  return {
    pipelineVariable(workspace, slug, key) {
      const variable = repositoryOf(workspace, slug).variables.find((v) => v.key === key);
      return variable && { value: variable.value, secured: variable.secured };
    },
    pipelinesEnabled: (workspace, slug) => repositoryOf(workspace, slug).pipelines?.enabled ?? false,
    restrictBranch(workspace, slug, pattern, users = []) {
      repositoryOf(workspace, slug).restrictions.push({ pattern, users: [...users] });
    },
  };
}
