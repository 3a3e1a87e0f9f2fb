import { checkName, splitFullName, wrongFamily } from './check-input.js';
import type { CheckedBase, CheckedTarget, RepositoryRef } from './types.js';

/**
 * Azure DevOps: `{web}/{org}/{project}/_git/{repo}?path=/{path}&version=GC{sha}` (`GC` pins a commit, `GB` would
 * name a branch) plus, for lines, `&line={a}&lineEnd={b+1}&lineStartColumn=1&lineEndColumn=1&lineStyle=plain`
 * and `&_a=contents`. The selection ends at a caret position, so whole lines a..b end at column 1 of line b+1:
 * the form the Azure DevOps UI itself writes when lines are selected by their numbers (a UI convention, not an
 * API). On a branch, `version=GB{branch}`.
 */
export function azureDevOpsFileUrl(
  base: CheckedBase,
  repository: RepositoryRef,
  target: CheckedTarget,
): string {
  let organization: string;
  let project: string;
  let name: string;
  if ('fullName' in repository) {
    [organization, project, name] = splitFullName(repository.fullName, 3, 3, 'organization/project/repo') as [
      string,
      string,
      string,
    ];
  } else if (repository.family === 'azure-devops') {
    organization = checkName(repository.organization, 'organization');
    project = checkName(repository.project, 'project');
    name = checkName(repository.name, 'repository');
  } else {
    throw wrongFamily(repository.family, 'Azure DevOps');
  }
  const { lines } = target;
  const selection =
    lines === undefined
      ? ''
      : `&line=${lines.start}&lineEnd=${lines.end + 1}&lineStartColumn=1&lineEndColumn=1&lineStyle=plain`;
  const version =
    'commit' in target.ref ? `GC${target.ref.commit}` : `GB${encodeURIComponent(target.ref.branch)}`;
  const query = `path=/${target.pathSegments.join('/')}&version=${version}${selection}&_a=contents`;
  return `${base.root}/${organization}/${project}/_git/${name}?${query}`;
}
