import type { CommitStatus, PullRequestRef } from '../provider.js';
import { iterationAt, iterationsOf } from './pull-request-diff.js';
import { dataOf, pullRequestPath, statusScopes, type AdoCommentContext } from './pull-request-errors.js';
import type { AdoPullRequestStatus } from './schemas.js';

/*
 * scm-connect's status on a pull request ("Pull Request Statuses"): posted on the iteration whose head is the
 * scanned commit, with context `scm-connect` (genre `security`). Statuses accumulate and cannot be edited, so
 * setting one posts a new status only when it differs from our latest on that iteration, then deletes our older
 * ones there: one status of ours per iteration, and nothing written when nothing changed.
 */

export const statusContext = { name: 'scm-connect', genre: 'security' } as const;

const adoState: Record<CommitStatus['state'], string> = {
  pending: 'pending',
  success: 'succeeded',
  failure: 'failed',
};

const isOurs = (status: AdoPullRequestStatus, iterationId: number) =>
  status.context?.name === statusContext.name &&
  (status.context.genre ?? '') === statusContext.genre &&
  status.iterationId === iterationId;

const sameAs = (status: AdoPullRequestStatus, wanted: CommitStatus) =>
  String(status.state ?? '').toLowerCase() === adoState[wanted.state] &&
  (status.description ?? '') === wanted.description &&
  (status.targetUrl ?? '') === wanted.targetUrl;

export async function setPullRequestStatus(
  c: AdoCommentContext,
  pr: PullRequestRef,
  status: CommitStatus,
): Promise<void> {
  const path = pullRequestPath(pr);
  const what = `the statuses of pull request ${pr.number} in ${pr.repository.fullName}`;
  const iteration = iterationAt(await iterationsOf(c, path), status.commitSha, pr.number);
  const ours = dataOf(c.ctx, what, await c.prs.statuses(path), statusScopes)
    .filter((s) => isOurs(s, iteration.id))
    .sort((a, b) => a.id - b.id);
  const latest = ours.at(-1);
  let older = ours.slice(0, -1);
  if (latest === undefined || !sameAs(latest, status)) {
    dataOf(
      c.ctx,
      what,
      await c.prs.createStatus(path, {
        state: adoState[status.state],
        description: status.description,
        context: statusContext,
        targetUrl: status.targetUrl,
        iterationId: iteration.id,
      }),
      statusScopes,
    );
    older = ours;
  }
  for (const stale of older) {
    const removed = await c.prs.deleteStatus(path, stale.id);
    if (!removed.ok && removed.refusal !== 'not-found') dataOf(c.ctx, what, removed, statusScopes);
  }
}
