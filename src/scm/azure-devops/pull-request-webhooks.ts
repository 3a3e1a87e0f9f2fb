import { z } from 'zod';
import { ignored, parseAs } from '../webhook-payload.js';
import { WebhookPayloadError, type ParsedDelivery } from '../webhook-receiver.js';
import { commentIdOf } from './threads.js';
import { repository, toRepository } from './webhook-repository.js';

/*
 * Pull request events of the `tfs` publisher ("Service hooks events"):
 * - "Pull request commented on" (`ms.vss-code.git-pullrequest-comment-event`, resource version 2.0:
 *   `{comment, pullRequest}`): the comment's thread is the last segment of its `_links.threads` link (or of its
 *   `self` link, `…/threads/{threadId}/comments/{commentId}`); a reply names its parent in `parentCommentId`.
 *   Version 1.0 carries no pull request, so scm-connect subscribes with 2.0. System and deleted comments are
 *   not comments someone wrote.
 * - "Pull request updated" (`git.pullrequest.updated`, the `GitPullRequest`): `status` abandoned is a pull
 *   request closed without merging, completed one merged.
 * - "Pull request merge attempted" (`git.pullrequest.merged`): raised for every merge Azure DevOps tries (on
 *   pushes too); only a completed pull request is merged. A completion therefore arrives twice, once per event.
 */

export const pullRequestEvents = new Set([
  'ms.vss-code.git-pullrequest-comment-event',
  'git.pullrequest.updated',
  'git.pullrequest.merged',
]);

const link = z.object({ href: z.string() });

const commentEvent = z.object({
  resource: z.object({
    comment: z.object({
      id: z.number().int(),
      parentCommentId: z.number().int().nullish(),
      content: z.string().nullish(),
      commentType: z.union([z.string(), z.number()]).nullish(),
      isDeleted: z.boolean().nullish(),
      author: z.object({
        id: z.string(),
        uniqueName: z.string().nullish(),
        displayName: z.string().nullish(),
      }),
      _links: z.object({ self: link.nullish(), threads: link.nullish() }).nullish(),
    }),
    pullRequest: z.object({ pullRequestId: z.number().int(), repository }).optional(),
  }),
});

const pullRequestEvent = z.object({
  resource: z.object({
    pullRequestId: z.number().int(),
    status: z.union([z.string(), z.number()]),
    repository,
  }),
});

/** The thread id in a comment's links. */
function threadIdOf(links: z.infer<typeof commentEvent>['resource']['comment']['_links']): number {
  const fromThreads = /\/threads\/(\d+)\/?$/.exec(links?.threads?.href ?? '');
  const fromSelf = /\/threads\/(\d+)\/comments\/\d+\/?$/.exec(links?.self?.href ?? '');
  const id = fromThreads?.[1] ?? fromSelf?.[1];
  if (id === undefined) {
    throw new WebhookPayloadError('The pull request comment event links no thread (`_links.threads`).');
  }
  return Number(id);
}

function parseComment(body: string, organization: string | undefined): ParsedDelivery {
  const { resource } = parseAs(commentEvent, body, 'ms.vss-code.git-pullrequest-comment-event');
  const { comment, pullRequest } = resource;
  if (pullRequest === undefined) {
    return ignored(
      'A pull request comment event of resource version 1.0 names no pull request (subscribe with 2.0).',
    );
  }
  const type = String(comment.commentType ?? 'text').toLowerCase();
  if (type === 'system' || type === '3')
    return ignored('A system comment (a vote, a push, a status change).');
  if (comment.isDeleted === true) return ignored('A deleted comment.');
  const threadId = threadIdOf(comment._links);
  const parent = comment.parentCommentId ?? 0;
  const { author } = comment;
  return {
    events: [
      {
        type: 'pull-request.comment',
        repository: toRepository(pullRequest.repository, organization),
        pullRequest: pullRequest.pullRequestId,
        comment: {
          id: commentIdOf(threadId, comment.id),
          threadId: String(threadId),
          body: comment.content ?? '',
        },
        author: { externalId: author.id, login: author.uniqueName || author.displayName || author.id },
        ...(parent > 0
          ? { inReplyTo: { id: commentIdOf(threadId, parent), threadId: String(threadId) } }
          : {}),
      },
    ],
  };
}

/** `PullRequestStatus` by name or number: notSet 0, active 1, abandoned 2, completed 3. */
const statusName = (status: string | number) =>
  (typeof status === 'number'
    ? (['notset', 'active', 'abandoned', 'completed'][status] ?? '')
    : status
  ).toLowerCase();

export function parsePullRequestEvent(
  event: string,
  body: string,
  organization: string | undefined,
): ParsedDelivery {
  if (event === 'ms.vss-code.git-pullrequest-comment-event') return parseComment(body, organization);
  const { resource } = parseAs(pullRequestEvent, body, event);
  const status = statusName(resource.status);
  const closed = status === 'completed' || (status === 'abandoned' && event === 'git.pullrequest.updated');
  if (!closed) return ignored(`A pull request that is ${status || 'open'}, not closed.`);
  return {
    events: [
      {
        type: 'pull-request.closed',
        repository: toRepository(resource.repository, organization),
        pullRequest: resource.pullRequestId,
        merged: status === 'completed',
      },
    ],
  };
}
