import type { ScmRepositoryRef } from '../provider.js';
import { repoPathOf } from './comment-errors.js';
import type { BbdcPullRequestClient } from './pull-request-client.js';

/**
 * Whether `user` may write to the repository: "Get all users" (`GET /rest/api/1.0/users`) filtered by the
 * repository permission `REPO_WRITE` on this repository and by the login, then matched by the user's numeric id
 * (the filter matches parts of names, and names change). The permission filter counts what implies the
 * permission (project write or admin, repository admin, system admin, grants through groups), and the resource
 * needs only an authenticated caller, so a project token without admin rights can ask it; the repository's
 * permission listing (`…/permissions/users`) would need Repository admin and lists direct grants only.
 */
export async function canWriteBbdc(
  prs: BbdcPullRequestClient,
  repository: ScmRepositoryRef,
  user: { readonly id: string; readonly login: string },
): Promise<boolean> {
  if (!user.login) return false;
  for await (const found of prs.usersWithPermission(repoPathOf(repository), 'REPO_WRITE', user.login)) {
    if (user.id ? found.id === user.id : found.name === user.login) return found.active !== false;
  }
  return false;
}
