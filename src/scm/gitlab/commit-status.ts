import { ScmError } from '../errors.js';
import type { CommitStatus, PullRequestRef } from '../provider.js';
import type { GitLabMergeRequestClient, GitLabStatusBody } from './merge-request-client.js';

/** The commit status's name: GitLab keeps the latest status of each name per commit. */
export const gitlabStatusName = 'scm-connect';

const states: Readonly<Record<CommitStatus['state'], GitLabStatusBody['state']>> = {
  pending: 'pending',
  success: 'success',
  failure: 'failed',
};

/**
 * `POST /projects/:id/statuses/:sha` named `scm-connect`: a finished status of that name is replaced by the new
 * one. GitLab refuses (400 `Cannot transition status via :enqueue from :pending …`) to move a pending or
 * running status to the state it already has; that status is already what was asked, so it counts as done.
 */
export async function setGitLabCommitStatus(
  mrs: GitLabMergeRequestClient,
  pr: PullRequestRef,
  status: CommitStatus,
): Promise<void> {
  const answer = await mrs.setStatus(pr.repository.externalId, status.commitSha, {
    state: states[status.state],
    name: gitlabStatusName,
    target_url: status.targetUrl,
    // GitLab stores at most 255 characters.
    description: status.description.slice(0, 255),
  });
  if (answer.ok || /cannot transition status/i.test(answer.message)) return;
  throw new ScmError(
    'invalid',
    `GitLab refused scm-connect's commit status on ${status.commitSha.slice(0, 12)} (${answer.status}).`,
    {
      code: 'status_refused',
      status: answer.status,
      fix: 'Check that the commit belongs to the project and that the token may set statuses (Developer role).',
    },
  );
}
