import { ScmError } from '../errors.js';
import type { BitbucketRepoPath } from './client.js';
import type { CiRefused } from './ci-client.js';
import { scopeRefusalOf, tokenRefused, type BitbucketCredential } from './connection-checks.js';

/**
 * Scopes adding the scanner's CI job needs, per the Reference's operations: branches and `/src` commits
 * `repository:write`; finding and opening pull requests `pullrequest:write`; "Get/Update configuration" of
 * Pipelines `repository:admin`; listing variables `pipeline`, writing them `pipeline:variable`
 * ("Pipelines: edit variables"). Access token scopes imply a few others (`repository:write` → `repository`);
 * API token scopes imply none, so each is listed.
 */
export const ciScopes: Readonly<Record<BitbucketCredential, readonly string[]>> = {
  'access-token': [
    'repository',
    'repository:write',
    'repository:admin',
    'pullrequest',
    'pullrequest:write',
    'pipeline',
    'pipeline:variable',
  ],
  'api-token': [
    'read:repository:bitbucket',
    'write:repository:bitbucket',
    'admin:repository:bitbucket',
    'read:pullrequest:bitbucket',
    'write:pullrequest:bitbucket',
    'read:pipeline:bitbucket',
    'admin:pipeline:bitbucket',
  ],
};

const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
const named = (repo: BitbucketRepoPath) => `\`${repo.workspace}/${repo.slug}\``;

/** How to get a credential that may add the CI job. */
export function ciScopeFix(credential: BitbucketCredential): string {
  return credential === 'access-token'
    ? `Create a workspace access token (Workspace settings > Access tokens) with the ${quoted(ciScopes['access-token'])} scopes and update the connection.`
    : `Create an Atlassian API token with the ${quoted(ciScopes['api-token'])} scopes, for an account that administers the repositories, and update the connection.`;
}

/** The key Bitbucket files a branch restriction's refusal under. */
export const branchRestrictionKey = 'BRANCH_PERMISSION_VIOLATED';

/**
 * A refused CI call, for the admin: an invalid token; a missing scope (the scopes Bitbucket names as
 * `required`, else `scopes`, the ones the Reference gives for the operation); a refusal without scope detail
 * (the account may not administer or write to the repository); a repository that is gone. `what` completes
 * "Bitbucket refused to …".
 */
export function ciRefusal(
  credential: BitbucketCredential,
  repo: BitbucketRepoPath,
  what: string,
  answer: CiRefused,
  scopes: Readonly<Record<BitbucketCredential, readonly string[]>>,
): ScmError {
  if (answer.status === 401) return tokenRefused(credential);
  if (answer.status === 404) {
    return new ScmError(
      'not-found',
      `Bitbucket repository ${named(repo)} was not found, or the token cannot see it.`,
      {
        code: 'repository_not_found',
        status: 404,
        fix: 'Sync the connection: the repository may have been renamed, moved or deleted.',
      },
    );
  }
  if (answer.status === 403) {
    const { required } = scopeRefusalOf(answer);
    if (required?.length) {
      return new ScmError(
        'forbidden',
        `The token lacks ${quoted(required)}, which it needs to ${what} in ${named(repo)}.`,
        { code: 'insufficient_scopes', status: 403, fix: ciScopeFix(credential) },
      );
    }
    return new ScmError(
      'forbidden',
      `Bitbucket refused to let the token ${what} in ${named(repo)}: it needs ${quoted(scopes[credential])}${credential === 'api-token' ? ', and its account administrator access to the repository' : ''}.`,
      {
        code: 'insufficient_permissions',
        status: 403,
        fix:
          credential === 'api-token'
            ? `Give the account of the API token administrator access to ${named(repo)} (Repository settings > Repository permissions), or ${ciScopeFix(credential).replace(/^Create/, 'create')}`
            : ciScopeFix(credential),
      },
    );
  }
  return new ScmError('invalid', `Bitbucket refused to ${what} in ${named(repo)} (${answer.status}).`, {
    code: 'upstream_refused',
    status: answer.status,
    fix: 'Try again; if it keeps failing, check the repository in Bitbucket.',
  });
}

/** The scopes of one operation, in both vocabularies. */
export const operationScopes = (
  access: string,
  api: readonly string[],
): Readonly<Record<BitbucketCredential, readonly string[]>> => ({
  'access-token': [access],
  'api-token': api,
});

/** A push or branch creation a branch restriction refused. */
export function branchProtected(repo: BitbucketRepoPath, branch: string, pullRequestMode: boolean): ScmError {
  return new ScmError(
    'forbidden',
    `A branch restriction of ${named(repo)} refuses the token's push to \`${branch.slice(0, 200)}\`.`,
    {
      code: 'branch_protected',
      status: 403,
      fix: pullRequestMode
        ? `Allow the token to write to \`${branch.slice(0, 200)}\` in Repository settings > Branch restrictions, or choose another branch name for the CI change.`
        : `Add the CI job through a pull request instead, or allow the token to write to \`${branch.slice(0, 200)}\` in Repository settings > Branch restrictions.`,
    },
  );
}

/** Pipelines is off and the token cannot check or turn it on. */
export function pipelinesNotEnabled(
  credential: BitbucketCredential,
  repo: BitbucketRepoPath,
  answer: CiRefused,
): ScmError {
  const refusal = ciRefusal(
    credential,
    repo,
    'check and enable Bitbucket Pipelines',
    answer,
    operationScopes('repository:admin', ['admin:repository:bitbucket']),
  );
  if (refusal.kind !== 'forbidden') return refusal;
  return new ScmError(
    'forbidden',
    `${refusal.message} Without Pipelines enabled the scanner's CI job never runs, so nothing was changed.`,
    {
      code: 'pipelines_not_enabled',
      status: 403,
      fix: `Give the token the scope that reads and changes the Pipelines settings (${credential === 'access-token' ? '`repository:admin`' : '`admin:repository:bitbucket`, with administrator access to the repository'}): ${ciScopeFix(credential)}`,
    },
  );
}
