import { isScmError } from '../errors.js';
import type { ScmRepositoryRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import { integerId } from './app-credentials.js';
import { collaboratorPermissionSchema, ownerAndRepo, parseGitHub } from './schemas.js';

/** Roles that may push: `permission` is the legacy level (maintain reads as write), `role_name` the role. */
const writing = new Set(['admin', 'maintain', 'write']);

/**
 * Whether the person may write to the repository: `GET …/collaborators/{username}/permission` ("Get repository
 * permissions for a user"). A login that is now someone else's (the id differs) or unknown (404) may not.
 */
export async function userCanWrite(
  context: GitHubContext,
  repository: ScmRepositoryRef,
  user: { readonly id: string; readonly login: string },
): Promise<boolean> {
  const { owner, repo } = ownerAndRepo(repository.fullName);
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]){0,38}$/.test(user.login)) return false;
  let data: unknown;
  try {
    // GET /repos/{owner}/{repo}/collaborators/{username}/permission
    const answer = await onInstallation(context, "read the person's permission on the repository", () =>
      context.octokit().request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
        owner,
        repo,
        username: user.login,
      }),
    );
    data = answer.data;
  } catch (error) {
    if (isScmError(error) && error.status === 404) return false;
    throw error;
  }
  const answer = parseGitHub(collaboratorPermissionSchema, data, 'repository permission');
  if (answer.user && integerId(answer.user.id) !== user.id) return false;
  return writing.has(answer.permission) || writing.has(answer.role_name ?? '');
}
