import { ScmError } from '../errors.js';
import type { ScmRepositoryRef } from '../provider.js';
import { tokenRefused, type BitbucketContext } from './connection-checks.js';
import { repoPathOf } from './client.js';
import type { BitbucketPullRequestClient } from './pull-request-client.js';

const writing = new Set(['write', 'admin']);

/** What to do when write access cannot be asked: the credential that can. */
const permissionFix =
  'Connect with an Atlassian API token (with `read:repository:bitbucket`) of an account that administers the repositories; Bitbucket shows repository permissions to repository administrators only.';

/**
 * Whether a Bitbucket user may write to a repository, from "List a repository permissions for a workspace"
 * (`GET /2.0/workspaces/{ws}/permissions/repositories/{slug}?q=user.uuid="…"`): the user's *effective*
 * permission (direct, group, project or workspace), where "Get an explicit user permission for a repository"
 * (`…/permissions-config/users/{id}`) would miss every permission given through a group. Bitbucket shows it to
 * repository administrators only, and never to access tokens ("You can't use an access token to manipulate or
 * query repository, project, or workspace permissions"), so with an access token the answer is a `forbidden`
 * refusal rather than a guess.
 */
export async function canWriteRepository(
  context: BitbucketContext,
  client: BitbucketPullRequestClient,
  repository: ScmRepositoryRef,
  user: { readonly id: string; readonly login: string },
): Promise<boolean> {
  if (context.credential === 'access-token') {
    throw new ScmError(
      'forbidden',
      'Bitbucket Cloud does not tell an access token who may write to a repository.',
      { code: 'permissions_not_offered', fix: permissionFix },
    );
  }
  if (!/^\{[0-9a-f-]{36}\}$/i.test(user.id)) {
    throw new ScmError('invalid', 'A Bitbucket user is named by its UUID (`{…}`).', { code: 'invalid_user' });
  }
  const answer = await client.repositoryPermission(repoPathOf(repository), user.id);
  if (answer.ok) return answer.data !== undefined && writing.has(answer.data);
  if (answer.status === 401) throw tokenRefused(context.credential);
  if (answer.status === 404) {
    throw new ScmError('not-found', `Repository ${repository.fullName} was not found.`, { status: 404 });
  }
  throw new ScmError(
    'forbidden',
    `Bitbucket refused to show who may write to ${repository.fullName}: only its administrators may see that.`,
    { code: 'insufficient_permissions', status: answer.status, fix: permissionFix },
  );
}
