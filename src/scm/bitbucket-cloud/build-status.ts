import { ScmError } from '../errors.js';
import type { CommitStatus, PullRequestRef } from '../provider.js';
import { repoPathOf } from './client.js';
import type { BitbucketBuildStatusBody, BitbucketPullRequestClient } from './pull-request-client.js';

/** The key (and name) of scm-connect's build status: posting it again for a commit replaces it. */
export const buildStatusKey = 'scm-connect';

const states: Readonly<Record<CommitStatus['state'], BitbucketBuildStatusBody['state']>> = {
  pending: 'INPROGRESS',
  success: 'SUCCESSFUL',
  failure: 'FAILED',
};

/**
 * "Create a build status for a commit" with key `scm-connect` ("If the specified key already exists, the
 * existing status object will be overwritten"), and `refname` set to the pull request's source branch, which
 * ties the status to the pull request.
 */
export async function setBuildStatus(
  client: BitbucketPullRequestClient,
  pr: PullRequestRef,
  status: CommitStatus,
): Promise<void> {
  if (!/^[0-9a-f]{7,64}$/i.test(status.commitSha)) {
    throw new ScmError('invalid', 'A commit id is 7 to 64 hex digits.', { code: 'invalid_commit' });
  }
  if (!/^https?:\/\//i.test(status.targetUrl)) {
    throw new ScmError('invalid', 'A build status links to an http(s) address.', {
      code: 'invalid_target_url',
    });
  }
  const repo = repoPathOf(pr.repository);
  const pullRequest = await client.pullRequest(repo, pr.number);
  const refname = pullRequest.source.branch?.name;
  await client.setBuildStatus(repo, status.commitSha, {
    key: buildStatusKey,
    state: states[status.state],
    name: buildStatusKey,
    url: status.targetUrl,
    description: status.description.slice(0, 140),
    ...(refname ? { refname } : {}),
  });
}
