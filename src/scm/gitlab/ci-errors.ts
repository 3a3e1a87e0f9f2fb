import { ScmError } from '../errors.js';
import type { ScmRepositoryRef } from '../provider.js';
import type { GitLabCiRefusal } from './ci-client.js';

/*
 * GitLab's refusals of CI file and CI/CD variable calls, as errors for the admin who must act. Messages name the
 * project and what was being done, never GitLab's body.
 */

const shown = (value: string) => `\`${value.slice(0, 200)}\``;

export const apiScopeFix =
  'Create a personal or group access token with the `api` scope and update the connection.';

/** What the role needed for an action is, for the fix of a plain 403. */
export type GitLabRoleNeed = 'developer' | 'maintainer';

const roleFix: Record<GitLabRoleNeed, string> = {
  developer:
    "Give the token's user at least the Developer role in the project (or its group): adding a CI job pushes a branch and opens a merge request.",
  maintainer:
    "Give the token's user the Maintainer role in the project (or its group): CI/CD variables can only be managed by Maintainers and Owners.",
};

/**
 * A refusal no caller handled: a missing `api` scope, a role too low, a project gone, or a request GitLab
 * rejected. `action` reads after "could not" ("create the branch `scanner/add-ci`").
 */
export function refusalError(
  refusal: GitLabCiRefusal,
  action: string,
  repository: ScmRepositoryRef,
  role: GitLabRoleNeed = 'developer',
): ScmError {
  const where = `in ${shown(repository.fullName)}`;
  const status = refusal.status;
  if (status === 403 && refusal.error === 'insufficient_scope') {
    return new ScmError(
      'forbidden',
      `The token lacks the \`api\` scope, so scm-connect could not ${action}.`,
      {
        status,
        code: 'insufficient_scopes',
        fix: apiScopeFix,
      },
    );
  }
  if (status === 403) {
    return new ScmError('forbidden', `GitLab did not let the token ${action} ${where} (403).`, {
      status,
      code: 'insufficient_permissions',
      fix: roleFix[role],
    });
  }
  if (status === 404) return projectNotFound(repository);
  return new ScmError('invalid', `GitLab rejected the request to ${action} ${where} (${status}).`, {
    status,
    code: 'upstream_rejected',
    fix: 'Try again; if it persists, check the project in GitLab.',
  });
}

export function projectNotFound(repository: ScmRepositoryRef): ScmError {
  return new ScmError(
    'not-found',
    `GitLab project ${shown(repository.fullName)} was not found, or the token cannot see it.`,
    {
      status: 404,
      code: 'repository_not_found',
      fix: "Check that the project still exists and that the token's user is a member of it; then sync the connection.",
    },
  );
}

export function repositoryEmpty(repository: ScmRepositoryRef): ScmError {
  return new ScmError(
    'not-found',
    `${shown(repository.fullName)} is empty: it has no commit or branch to add a CI file on.`,
    { code: 'repository_empty', fix: 'Push a first commit to the project, then add the CI job again.' },
  );
}

export function defaultBranchMissing(repository: ScmRepositoryRef, branch: string): ScmError {
  return new ScmError(
    'not-found',
    `The default branch ${shown(branch)} of ${shown(repository.fullName)} does not exist any more.`,
    {
      code: 'branch_not_found',
      fix: 'Sync the connection to read the current default branch, then try again.',
    },
  );
}

/** A direct commit the branch's protection refused. */
export function branchProtected(repository: ScmRepositoryRef, branch: string): ScmError {
  return new ScmError(
    'forbidden',
    `${shown(branch)} of ${shown(repository.fullName)} is a protected branch the token's user may not push to.`,
    {
      status: 403,
      code: 'branch_protected',
      fix: `In GitLab, Settings > Repository > Protected branches: allow the token's user's role to push to ${shown(branch)} ("Allowed to push and merge"), or give the user the role allowed there; or add the CI job through merge requests instead.`,
    },
  );
}
