import type { Check, ScmIdentity, ScopeReport } from '../test-report.js';

/**
 * The "Comment on pull requests" row: notes, diff threads and commit statuses need the `api` scope (the scope
 * report tells); posting a commit status also needs the Developer role in each project, which GitLab checks per
 * project when the status is sent.
 */
export function commentRow(scopes: ScopeReport | undefined, identity: ScmIdentity | undefined): Check {
  const as = identity ? ` as \`${identity.login}\`` : '';
  if (scopes === undefined) {
    return {
      status: 'warn',
      message:
        "Not verified: GitLab does not tell the token's scopes, and commenting on merge requests needs `api`.",
      fix: 'Check that the token has the `api` scope (User settings > Access tokens).',
    };
  }
  if (!scopes.granted.includes('api')) {
    return {
      status: 'fail',
      code: 'insufficient_scopes',
      message: 'Commenting on merge requests and setting commit statuses need the `api` scope.',
      fix: 'Create a personal or group access token with the `api` scope and update the connection.',
    };
  }
  return {
    status: 'ok',
    message: `Merge request comments and commit statuses are posted${as}; statuses need the Developer role in each project.`,
  };
}
