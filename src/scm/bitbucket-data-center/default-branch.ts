/** The two resources that name a repository's default branch, relative to `…/repos/{slug}/`. */
export type DefaultBranchResource = 'default-branch' | 'branches/default';

/** The first release with `…/default-branch`: 7.5 gave every repository a configured default branch. */
const configuredDefaultBranchSince = [7, 5] as const;

/**
 * Which resource to ask for a repository's default branch on a server of `version` (from
 * `application-properties`). `…/default-branch` answers the configured branch, even before its first push;
 * `…/branches/default`, deprecated since, is what releases before 7.5 have. A version that cannot be read is
 * taken for a current one.
 */
export function defaultBranchResource(version: string): DefaultBranchResource {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return 'default-branch';
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [sinceMajor, sinceMinor] = configuredDefaultBranchSince;
  return major > sinceMajor || (major === sinceMajor && minor >= sinceMinor)
    ? 'default-branch'
    : 'branches/default';
}

/** The branch name of a ref id (`refs/heads/main` → `main`). */
export const branchName = (ref: { id: string; displayId?: string | null | undefined }): string =>
  ref.displayId || ref.id.replace(/^refs\/heads\//, '');
