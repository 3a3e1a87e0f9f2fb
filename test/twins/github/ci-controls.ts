import { newKeyPair } from './routes-actions-secrets.js';
import type { GitHubState } from './state.js';

/** What a test or bench of the bulk CI job sees and sets on the twin, beyond the API. */
export interface CiControls {
  /**
   * The CI's view of an Actions secret: the plaintext the twin opened from the sealed box, as a workflow run of
   * `repoFullName` (`owner/name`) would read `secrets.NAME`; undefined when there is none.
   */
  actionsSecret(repoFullName: string, name: string): string | undefined;
  /** A new key pair for the repository's secrets (GitHub rotates them): an old `key_id` is then refused. */
  rotateActionsSecretsKey(repoFullName: string): void;
  /** Protect the default branch against direct pushes (a classic rule or a ruleset), or lift it (`undefined`). */
  protectDefaultBranch(repoFullName: string, kind: 'classic' | 'ruleset' | undefined): void;
  /** Content creations refused so far by the secondary limits (every installation). */
  secondaryLimitRefusals(): number;
}

export function createCiControls(state: GitHubState): CiControls {
  return {
    actionsSecret(repoFullName, name) {
      const repo = state.requireRepo(repoFullName);
      return state.actionsSecrets.get(repo.id)?.secrets.get(name.toUpperCase())?.value;
    },
    rotateActionsSecretsKey(repoFullName) {
      const record = state.actionsSecrets.get(state.requireRepo(repoFullName).id);
      if (record) Object.assign(record, newKeyPair(state));
    },
    protectDefaultBranch(repoFullName, kind) {
      state.requireRepo(repoFullName).defaultBranchProtection = kind;
    },
    secondaryLimitRefusals: () => state.secondaryLimitRefusals,
  };
}
