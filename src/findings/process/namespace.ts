import type { Selectable } from 'kysely';
import type { ScansTable } from '../../db/schema.js';

/** Where findings live: states are kept per repository, branch, tool and category. */
export interface Namespace {
  readonly accountId: string;
  readonly connectionId: string;
  readonly repositoryId: string;
  readonly branch: string;
  readonly toolName: string;
  readonly category: string;
}

export interface BranchKey {
  readonly branch: string;
  /** Whether the scan moves states (fixed, removed): a branch or a pull request is a line of history, a bare commit is not. */
  readonly tracksStates: boolean;
}

/**
 * The `findings.branch` a scan's findings go under. A branch scan: the branch. A pull request scan without a
 * branch: `pull-request:{number}`. A scan of a bare commit: `commit:{sha}`, whose findings are recorded but whose
 * states never move (nothing else is ever scanned on it). A `:` cannot appear in a Git branch name, so neither
 * form can collide with a real branch.
 */
export function branchKeyOf(
  scan: Pick<Selectable<ScansTable>, 'branch' | 'pull_request_number' | 'commit_sha'>,
): BranchKey {
  if (scan.branch !== null && scan.branch !== '') return { branch: scan.branch, tracksStates: true };
  if (scan.pull_request_number !== null) {
    return { branch: `pull-request:${scan.pull_request_number}`, tracksStates: true };
  }
  return { branch: `commit:${scan.commit_sha.toLowerCase()}`, tracksStates: false };
}
