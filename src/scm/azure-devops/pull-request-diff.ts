import { ScmError } from '../errors.js';
import type { PullRequestDiff, PullRequestDiffFile, PullRequestRef } from '../provider.js';
import type { AdoPullRequestPath } from './pull-request-client.js';
import { dataOf, pullRequestPath, type AdoCommentContext } from './pull-request-errors.js';
import type { AdoChange, AdoIteration } from './schemas.js';

/*
 * The diff of a pull request from its iterations: the last iteration's source commit against the common commit
 * of source and target ("Pull Request Iteration Changes - Get" with no `$compareTo`). Azure DevOps lets a
 * thread sit on any line of a changed file, so every changed file with a new side is `whole-file`.
 */

const readScopes = ['vso.code'] as const;

const stateOf = (status: string | number): PullRequestDiff['state'] => {
  // PullRequestStatus: notSet 0, active 1, abandoned 2, completed 3.
  const name = typeof status === 'number' ? ['notset', 'active', 'abandoned', 'completed'][status] : status;
  switch ((name ?? '').toLowerCase()) {
    case 'completed':
      return 'merged';
    case 'abandoned':
      return 'closed';
    default:
      return 'open';
  }
};

/** A changed file with a new side: the change types (`edit, rename`) hold no `delete`. */
function newSidePath(change: AdoChange): string | undefined {
  const types = String(change.changeType).toLowerCase().split(/,\s*/);
  const path = change.item?.path;
  if (types.includes('delete') || !path || path.endsWith('/')) return undefined;
  return path.replace(/^\/+/, '');
}

/** The changed files of one iteration with a new side, by path, with their `changeTrackingId`. */
export async function changedFiles(
  c: AdoCommentContext,
  path: AdoPullRequestPath,
  iteration: AdoIteration,
): Promise<Map<string, number | undefined>> {
  const what = `the changes of iteration ${iteration.id} of pull request ${path.pullRequestId}`;
  const changes = dataOf(c.ctx, what, await c.prs.iterationChanges(path, iteration.id), readScopes);
  const files = new Map<string, number | undefined>();
  for (const change of changes) {
    const file = newSidePath(change);
    if (file !== undefined) files.set(file, change.changeTrackingId ?? undefined);
  }
  return files;
}

/** Every iteration of the pull request, oldest first. */
export async function iterationsOf(c: AdoCommentContext, path: AdoPullRequestPath): Promise<AdoIteration[]> {
  const what = `the iterations of pull request ${path.pullRequestId}`;
  const iterations = dataOf(c.ctx, what, await c.prs.iterations(path), readScopes);
  return [...iterations].sort((a, b) => a.id - b.id);
}

/** The iteration whose source commit is `commitSha`; `invalid` when the pull request never had that head. */
export function iterationAt(
  iterations: readonly AdoIteration[],
  commitSha: string,
  prId: number,
): AdoIteration {
  const wanted = commitSha.toLowerCase();
  const found = [...iterations].reverse().find((i) => i.sourceRefCommit?.commitId.toLowerCase() === wanted);
  if (found) return found;
  throw new ScmError(
    'invalid',
    `Commit ${commitSha.slice(0, 40)} is not the head of any iteration of pull request ${prId}.`,
    {
      code: 'line_not_in_diff',
      fix: 'Read the pull request diff again and place the comment at its head commit.',
    },
  );
}

export async function readPullRequestDiff(
  c: AdoCommentContext,
  pr: PullRequestRef,
): Promise<PullRequestDiff> {
  const path = pullRequestPath(pr);
  const what = `pull request ${pr.number} in ${pr.repository.fullName}`;
  const [answer, iterations] = await Promise.all([c.prs.pullRequest(path), iterationsOf(c, path)]);
  const details = dataOf(c.ctx, what, answer, readScopes);
  const last = iterations.at(-1);
  // The last iteration's head is the commit its changes were read at.
  const headSha = last?.sourceRefCommit?.commitId ?? details.lastMergeSourceCommit?.commitId;
  const baseSha = last?.commonRefCommit?.commitId ?? details.lastMergeTargetCommit?.commitId;
  if (headSha === undefined || baseSha === undefined || last === undefined) {
    throw new ScmError('invalid', `Azure DevOps gave no source and target commits for ${what}.`, {
      code: 'upstream_invalid_response',
    });
  }
  const files: PullRequestDiffFile[] = [...(await changedFiles(c, path, last)).keys()].map((file) => ({
    path: file,
    commentable: 'whole-file',
  }));
  return { headSha, baseSha, files, state: stateOf(details.status) };
}
