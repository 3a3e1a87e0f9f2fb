import { ScmError } from '../errors.js';
import type { PullRequestDiff, PullRequestRef } from '../provider.js';
import { parseUnifiedDiff } from './diff-parse.js';
import { repoPathOf } from './client.js';
import type { BitbucketPullRequestClient } from './pull-request-client.js';
import type { BitbucketPullRequest } from './schemas.js';

const states: Readonly<Record<BitbucketPullRequest['state'], PullRequestDiff['state']>> = {
  OPEN: 'open',
  MERGED: 'merged',
  DECLINED: 'closed',
  SUPERSEDED: 'closed',
};

/**
 * The pull request ("Get a pull request": state, `source.commit.hash`, `destination.commit.hash`, which Bitbucket
 * abbreviates to 12 digits and which are read in full from "Get a commit") and its diff ("List changes in a pull
 * request", a redirect to "Compare two commits": the three-dot diff of the source against its merge base with
 * the destination).
 */
export async function readPullRequestDiff(
  client: BitbucketPullRequestClient,
  pr: PullRequestRef,
): Promise<PullRequestDiff> {
  const repo = repoPathOf(pr.repository);
  const [pullRequest, text] = await Promise.all([
    client.pullRequest(repo, pr.number),
    client.diff(repo, pr.number),
  ]);
  const head = pullRequest.source.commit?.hash;
  const base = pullRequest.destination.commit?.hash;
  if (!head || !base) {
    throw new ScmError('not-found', `Pull request #${pr.number} has no source or destination commit.`, {
      code: 'pull_request_without_commits',
      fix: 'The source branch may have been deleted; the pull request cannot be commented on inline.',
    });
  }
  const [headSha, baseSha] = await Promise.all([
    client.commitHash(repo, head),
    client.commitHash(repo, base),
  ]);
  return { headSha, baseSha, files: parseUnifiedDiff(text), state: states[pullRequest.state] };
}
