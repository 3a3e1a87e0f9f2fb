import type { InlinePosition, PullRequestRef } from '../../../src/scm/provider.js';
import type { BitbucketCloudTwin } from './index.js';

/** Scopes of an Atlassian API token that may do everything a comment connection does (and register its hook). */
export const commentApiTokenScopes = [
  'read:user:bitbucket',
  'read:workspace:bitbucket',
  'read:repository:bitbucket',
  'read:pullrequest:bitbucket',
  'write:pullrequest:bitbucket',
  'read:webhook:bitbucket',
  'write:webhook:bitbucket',
  'delete:webhook:bitbucket',
] as const;

/** `src/app.py` on main: 30 numbered lines, so that a change in the middle leaves lines outside the diff. */
export const appLines = Array.from({ length: 30 }, (_, i) => `line_${i + 1} = ${i + 1}`);

export interface CommentPullRequestFixture {
  readonly ref: PullRequestRef;
  /** Line 20 of `src/app.py`, changed by the pull request. */
  readonly inline: InlinePosition;
  /** Line 2 of `src/app.py`: outside every hunk. */
  readonly offDiffLine: number;
  readonly people: {
    readonly writer: { readonly id: string; readonly login: string };
    readonly reader: { readonly id: string; readonly login: string };
  };
}

/**
 * On the demo scenario's `acme/website`: main gets a 30-line `src/app.py`, branch `feature/scan` changes line
 * 20 and adds `src/new.py`, and a pull request opens from it. Bob gets `write` on the repository, Carol `read`;
 * Alice (owner) is an admin of it.
 */
export function arrangeCommentPullRequest(
  twin: BitbucketCloudTwin,
  branch = 'feature/scan',
): CommentPullRequestFixture {
  const website = twin.repository('acme', 'website');
  if (
    !website.branches.get('main')!.files.has('src/app.py') ||
    website.branches.get('main')!.files.get('src/app.py')!.split('\n').length < 30
  )
    twin.push('acme', 'website', 'main', { 'src/app.py': `${appLines.join('\n')}\n` });
  const changed = appLines.map((line, i) => (i === 19 ? 'line_20 = eval(input())' : line));
  const pr = twin.openPullRequest('acme', 'website', {
    source: branch,
    files: { 'src/app.py': `${changed.join('\n')}\n`, 'src/new.py': 'print("new")\n' },
  });
  const bob = [...twin.state.users.values()].find((user) => user.nickname === 'bob')!;
  const carol = [...twin.state.users.values()].find((user) => user.nickname === 'carol')!;
  website.permissions.set(bob.accountId, 'write');
  website.permissions.set(carol.accountId, 'read');
  return {
    ref: { repository: { externalId: website.uuid, fullName: 'acme/website' }, number: pr.id },
    inline: { path: 'src/app.py', line: 20, commitSha: website.branches.get(branch)!.hash },
    offDiffLine: 2,
    people: { writer: { id: bob.uuid, login: 'bob' }, reader: { id: carol.uuid, login: 'carol' } },
  };
}
