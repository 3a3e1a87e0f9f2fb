import { branchSegments, checkName, splitFullName, wrongFamily } from './check-input.js';
import type { CheckedBase, CheckedTarget, RepositoryRef } from './types.js';

/**
 * GitHub and GitHub Enterprise Server: `{web}/{owner}/{repo}/blob/{sha}/{path}#L{a}-L{b}`. The `#L{a}-L{b}`
 * range is what the web UI's "Copy permalink" produces; it is a UI convention, not a documented API. On a branch,
 * `blob/{branch}/{path}`, the branch's segments as they are (GitHub resolves the longest matching ref).
 */
export function githubFileUrl(base: CheckedBase, repository: RepositoryRef, target: CheckedTarget): string {
  let owner: string;
  let name: string;
  if ('fullName' in repository) {
    [owner, name] = splitFullName(repository.fullName, 2, 2, 'owner/repo') as [string, string];
  } else if (repository.family === 'github') {
    owner = checkName(repository.owner, 'owner');
    name = checkName(repository.name, 'repository');
  } else {
    throw wrongFamily(repository.family, 'GitHub');
  }
  const { lines } = target;
  const anchor =
    lines === undefined
      ? ''
      : lines.start === lines.end
        ? `#L${lines.start}`
        : `#L${lines.start}-L${lines.end}`;
  const ref = 'commit' in target.ref ? target.ref.commit : branchSegments(target.ref.branch);
  return `${base.root}/${owner}/${name}/blob/${ref}/${target.pathSegments.join('/')}${anchor}`;
}
