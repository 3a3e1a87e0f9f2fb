import type { Check, ScmIdentity, ScopeReport } from '../test-report.js';

/**
 * The "Write CI files" row: branches, commits, merge requests and CI/CD variables need the `api` scope (the
 * scope report tells); the roles (Developer to push a branch and open a merge request, Maintainer for the CI/CD
 * variable and, by default, for a direct commit on the protected default branch) GitLab checks per project.
 */
export function writeCiRow(scopes: ScopeReport | undefined, identity: ScmIdentity | undefined): Check {
  const as = identity ? ` as \`${identity.login}\`` : '';
  if (scopes === undefined) {
    return {
      status: 'warn',
      message: "Not verified: GitLab does not tell the token's scopes, and adding CI files needs `api`.",
      fix: 'Check that the token has the `api` scope (User settings > Access tokens).',
    };
  }
  if (!scopes.granted.includes('api')) {
    return {
      status: 'fail',
      code: 'insufficient_scopes',
      message:
        'Adding the CI job (branches, commits, merge requests, CI/CD variables) needs the `api` scope.',
      fix: 'Create a personal or group access token with the `api` scope and update the connection.',
    };
  }
  return {
    status: 'ok',
    message: `The CI job is added${as} through merge requests; that needs the Developer role in each project, and its CI/CD variable the Maintainer role.`,
  };
}
