import { ScmError } from '../errors.js';
import type { CommitStatus, PullRequestRef } from '../provider.js';
import { pullRequestRefusal, repoPathOf } from './comment-errors.js';
import type { BbdcContext } from './connection-checks.js';
import type { BbdcBuildStatus, BbdcPullRequestClient } from './pull-request-client.js';

/** The build key scm-connect reports under: a second status with the same key replaces the first. */
export const bbdcBuildKey = 'scm-connect';

const states: Record<CommitStatus['state'], BbdcBuildStatus['state']> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
};

/** The first release with the repository's builds resource; the commit-only build-status one is deprecated since. */
const repositoryBuildsSince = [7, 14] as const;

/** Which resource stores a build status on a server of `version`; an unreadable version is taken for a current one. */
export function buildStatusResource(version: string): 'repository' | 'legacy' {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return 'repository';
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [sinceMajor, sinceMinor] = repositoryBuildsSince;
  return major > sinceMajor || (major === sinceMajor && minor >= sinceMinor) ? 'repository' : 'legacy';
}

/** Both resources cap every field at 255 characters, the URL at 450. */
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Stores scm-connect's build status (key `scm-connect`) on the commit: "Store a build status" (`POST
 * …/repos/{slug}/commits/{commitId}/builds`, 7.14 and later) or, before, `POST
 * /rest/build-status/1.0/commits/{commitId}`. Data Center keeps one status per key and commit, so setting it
 * again replaces it. Needs Repository read.
 */
export async function setBbdcBuildStatus(
  ctx: BbdcContext,
  prs: BbdcPullRequestClient,
  serverVersion: () => Promise<string>,
  pr: PullRequestRef,
  status: CommitStatus,
): Promise<void> {
  if (!/^[0-9a-f]{7,64}$/i.test(status.commitSha)) {
    throw new ScmError('invalid', 'A build status needs the commit id (7 to 64 hex digits).', {
      code: 'invalid_commit',
    });
  }
  if (status.targetUrl.length > 450 || !/^https?:\/\//i.test(status.targetUrl)) {
    throw new ScmError('invalid', 'A build status links to an http(s) address of at most 450 characters.', {
      code: 'invalid_target_url',
    });
  }
  const answer = await prs.setBuildStatus(
    repoPathOf(pr.repository),
    status.commitSha,
    {
      key: bbdcBuildKey,
      state: states[status.state],
      name: bbdcBuildKey,
      url: status.targetUrl,
      description: cut(status.description, 255),
    },
    buildStatusResource(await serverVersion()),
  );
  if (!answer.ok) throw pullRequestRefusal(ctx, pr, answer, 'set a build status on a commit of');
}
