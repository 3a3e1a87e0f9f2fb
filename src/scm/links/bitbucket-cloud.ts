import { checkName, splitFullName, wrongFamily } from './check-input.js';
import type { CheckedBase, CheckedTarget, RepositoryRef } from './types.js';

/**
 * Bitbucket Cloud: `{web}/{workspace}/{slug}/src/{sha}/{path}#lines-{a}:{b}`. The `#lines-` fragment is the
 * web UI's own convention (not an API); one line is `#lines-{a}`. On a branch, `src/{branch}/{path}` with the
 * branch as one encoded segment (`release%2F2.x`).
 */
export function bitbucketCloudFileUrl(
  base: CheckedBase,
  repository: RepositoryRef,
  target: CheckedTarget,
): string {
  let workspace: string;
  let slug: string;
  if ('fullName' in repository) {
    [workspace, slug] = splitFullName(repository.fullName, 2, 2, 'workspace/slug') as [string, string];
  } else if (repository.family === 'bitbucket-cloud') {
    workspace = checkName(repository.workspace, 'workspace');
    slug = checkName(repository.slug, 'repository slug');
  } else {
    throw wrongFamily(repository.family, 'Bitbucket Cloud');
  }
  const { lines } = target;
  const anchor =
    lines === undefined
      ? ''
      : lines.start === lines.end
        ? `#lines-${lines.start}`
        : `#lines-${lines.start}:${lines.end}`;
  const ref = 'commit' in target.ref ? target.ref.commit : encodeURIComponent(target.ref.branch);
  return `${base.root}/${workspace}/${slug}/src/${ref}/${target.pathSegments.join('/')}${anchor}`;
}
