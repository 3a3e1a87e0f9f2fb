import { commentJson, pullRequestJson, userJson } from './shapes.js';
import type { BbComment, BbPullRequest, BbRepo, BbUser, BitbucketDataCenterState } from './state.js';

/*
 * Pull request event payloads as Atlassian's "Event payload" page describes them (typed by coderabbitai/bitbucket,
 * `src/server/webhooks/events/pr`): `eventKey`, `date`, `actor` and the `pullRequest`; `pr:comment:added` adds the
 * `comment` (no anchor, no permitted operations) and, for a reply, `commentParentId`.
 */

/** `2026-01-05T09:00:01+0000`, the payloads' `date` format. */
export const payloadDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

export function pullRequestEvent(
  state: BitbucketDataCenterState,
  base: string,
  eventKey: string,
  actor: BbUser,
  repo: BbRepo,
  pr: BbPullRequest,
) {
  return {
    eventKey,
    date: payloadDate(state.now()),
    actor: userJson(base, actor),
    pullRequest: pullRequestJson(base, repo, pr, state.features),
  };
}

export function commentAddedEvent(
  state: BitbucketDataCenterState,
  base: string,
  repo: BbRepo,
  pr: BbPullRequest,
  comment: BbComment,
) {
  const { anchor: _anchor, permittedOperations: _operations, ...json } = commentJson(base, repo, pr, comment);
  return {
    ...pullRequestEvent(state, base, 'pr:comment:added', comment.author, repo, pr),
    comment: json,
    ...(comment.parentId === undefined ? {} : { commentParentId: comment.parentId }),
  };
}
