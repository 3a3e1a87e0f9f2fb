import { checkName, invalidLinkInput, wrongFamily } from './check-input.js';
import type { CheckedBase, CheckedTarget, RepositoryRef } from './types.js';

/** `projects/{KEY}`, or `users/{slug}` for a personal project, whose key the REST API writes `~USER`. */
function ownerPath(projectKey: string): string {
  if (projectKey.startsWith('~')) {
    // Personal project keys are the user name upper-cased; the web path takes the (lower-case) user slug.
    return `users/${checkName(projectKey.slice(1).toLowerCase(), 'user')}`;
  }
  return `projects/${checkName(projectKey, 'project key')}`;
}

/**
 * Bitbucket Data Center: `{web}/projects/{KEY}/repos/{slug}/browse/{path}?at={sha}#{a}-{b}`, personal
 * repositories under `{web}/users/{user}/repos/…`. The bare-number fragment is the web UI's convention. On a
 * branch, `?at=refs%2Fheads%2F{branch}`.
 */
export function bitbucketDataCenterFileUrl(
  base: CheckedBase,
  repository: RepositoryRef,
  target: CheckedTarget,
): string {
  let owner: string;
  let slug: string;
  if ('fullName' in repository) {
    const parts = repository.fullName.split('/');
    if (parts.length !== 2) {
      throw invalidLinkInput(
        'invalid_repository',
        `The repository "${repository.fullName}" does not have the form KEY/slug.`,
      );
    }
    owner = ownerPath(parts[0]!);
    slug = checkName(parts[1]!, 'repository slug');
  } else if (repository.family === 'bitbucket-data-center') {
    owner =
      'userSlug' in repository
        ? `users/${checkName(repository.userSlug, 'user')}`
        : ownerPath(repository.projectKey);
    slug = checkName(repository.slug, 'repository slug');
  } else {
    throw wrongFamily(repository.family, 'Bitbucket Data Center');
  }
  const { lines } = target;
  const anchor =
    lines === undefined ? '' : lines.start === lines.end ? `#${lines.start}` : `#${lines.start}-${lines.end}`;
  const at =
    'commit' in target.ref ? target.ref.commit : encodeURIComponent(`refs/heads/${target.ref.branch}`);
  return `${base.root}/${owner}/repos/${slug}/browse/${target.pathSegments.join('/')}?at=${at}${anchor}`;
}
