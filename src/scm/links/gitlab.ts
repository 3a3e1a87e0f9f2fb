import { branchSegments, checkName, invalidLinkInput, splitFullName, wrongFamily } from './check-input.js';
import type { CheckedBase, CheckedTarget, RepositoryRef } from './types.js';

/** A top-level group plus up to 20 levels of subgroups, then the project. */
const maxPathDepth = 22;

/**
 * GitLab Cloud and Self-Managed: `{web}/{group}/{sub…}/{project}/-/blob/{sha}/{path}#L{a}-{b}`. The range end
 * has no `L`: that is how the GitLab UI writes a selected range (a UI convention, not an API). On a branch,
 * `-/blob/{branch}/{path}`.
 */
export function gitlabFileUrl(base: CheckedBase, repository: RepositoryRef, target: CheckedTarget): string {
  let parts: string[];
  if ('fullName' in repository) {
    parts = splitFullName(repository.fullName, 2, maxPathDepth, 'group/…/project');
  } else if (repository.family === 'gitlab') {
    const namespace = repository.namespace.flatMap((item) => item.split('/'));
    if (namespace.length === 0 || namespace.length >= maxPathDepth) {
      throw invalidLinkInput('invalid_repository', 'A GitLab project needs a namespace of 1 to 21 groups.');
    }
    parts = [...namespace, repository.project].map((part) => checkName(part, 'group or project path'));
  } else {
    throw wrongFamily(repository.family, 'GitLab');
  }
  const { lines } = target;
  const anchor =
    lines === undefined
      ? ''
      : lines.start === lines.end
        ? `#L${lines.start}`
        : `#L${lines.start}-${lines.end}`;
  const ref = 'commit' in target.ref ? target.ref.commit : branchSegments(target.ref.branch);
  return `${base.root}/${parts.join('/')}/-/blob/${ref}/${target.pathSegments.join('/')}${anchor}`;
}
