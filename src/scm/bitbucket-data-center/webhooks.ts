import { z } from 'zod';
import {
  branchOf,
  commitOrNull,
  ignored,
  notHandled,
  parseAs,
  xHubSignedDelivery,
} from '../webhook-payload.js';
import type {
  ParsedDelivery,
  PullRequestCommentEvent,
  PushEvent,
  WebhookReceiver,
  WebhookRepository,
} from '../webhook-receiver.js';
import { commentUserSchema, repositorySchema, type BbdcRepository } from './schemas.js';

/*
 * Bitbucket Data Center deliveries. Sources: Atlassian's "Event payload" for Bitbucket Data Center (headers
 * X-Request-Id, X-Event-Key, X-Hub-Signature; repo:refs_changed and repo:modified payloads, whose `repository`,
 * `old` and `new` are RestRepository) and "Manage webhooks" (the secret signs the body, HMACSha256 by default:
 * `X-Hub-Signature: sha256=<hex>`), with the captured payloads of go-playground/webhooks
 * (`testdata/bitbucket-server`). Pull request events (`pr:comment:added` with `comment`, `commentParentId` for a
 * reply, `pullRequest` and `actor`; `pr:merged`, `pr:declined`, `pr:deleted` with `pullRequest`) follow the same
 * page, as typed by coderabbitai/bitbucket (`src/server/webhooks/events/pr`); the pull request's repository is
 * its `toRef.repository`.
 */

const refsChanged = z.object({
  repository: repositorySchema,
  changes: z.array(
    z.object({
      ref: z.object({ id: z.string(), displayId: z.string().optional(), type: z.string() }),
      fromHash: z.string().nullish(),
      toHash: z.string().nullish(),
      type: z.string(),
    }),
  ),
});

const modified = z.object({ old: repositorySchema, new: repositorySchema });

/** `RestPullRequest` as the pull request events carry it: the target repository is the one it belongs to. */
const pullRequestPayload = z.object({
  id: z.number().int().positive(),
  toRef: z.object({ repository: repositorySchema }),
});

const commentAdded = z.object({
  pullRequest: pullRequestPayload,
  comment: z.object({
    id: z.union([z.number().int(), z.string().min(1)]).transform(String),
    text: z.string(),
  }),
  commentParentId: z
    .union([z.number().int(), z.string().min(1)])
    .transform(String)
    .nullish(),
  actor: commentUserSchema,
});

const pullRequestClosed = z.object({ pullRequest: pullRequestPayload });

const fullNameOf = (repo: BbdcRepository) => `${repo.project.key}/${repo.slug}`;

function toRepository(repo: BbdcRepository): WebhookRepository {
  return {
    externalId: repo.id,
    fullName: fullNameOf(repo),
    name: repo.name,
    ...(repo.links?.self?.[0] ? { webUrl: repo.links.self[0].href } : {}),
    ...(typeof repo.public === 'boolean' ? { visibility: repo.public ? 'public' : 'private' } : {}),
    ...(typeof repo.archived === 'boolean' ? { archived: repo.archived } : {}),
  };
}

function parseRefsChanged(body: string): ParsedDelivery {
  const payload = parseAs(refsChanged, body, 'repo:refs_changed');
  const repo = toRepository(payload.repository);
  const events: PushEvent[] = [];
  for (const change of payload.changes) {
    const branch = change.ref.type === 'BRANCH' ? branchOf(change.ref.id) : undefined;
    if (branch === undefined) continue;
    events.push({
      type: 'push',
      repository: repo,
      branch,
      before: change.type === 'ADD' ? null : commitOrNull(change.fromHash),
      after: change.type === 'DELETE' ? null : commitOrNull(change.toHash),
    });
  }
  return events.length > 0 ? { events } : ignored('A push that changed no branch (tags only).');
}

function parseModified(body: string): ParsedDelivery {
  const { old, new: next } = parseAs(modified, body, 'repo:modified');
  const repository = toRepository(next);
  const previousFullName = fullNameOf(old);
  if (old.project.key !== next.project.key) {
    return {
      events: [{ type: 'repository.moved', repository, previousFullName, previousOwner: old.project.key }],
    };
  }
  if (old.slug !== next.slug)
    return { events: [{ type: 'repository.renamed', repository, previousFullName }] };
  if (old.archived !== next.archived && typeof next.archived === 'boolean') {
    return {
      events: [{ type: next.archived ? 'repository.archived' : 'repository.unarchived', repository }],
    };
  }
  return { events: [{ type: 'repository.updated', repository }] };
}

function parseCommentAdded(body: string): ParsedDelivery {
  const payload = parseAs(commentAdded, body, 'pr:comment:added');
  const event: PullRequestCommentEvent = {
    type: 'pull-request.comment',
    repository: toRepository(payload.pullRequest.toRef.repository),
    pullRequest: payload.pullRequest.id,
    comment: { id: payload.comment.id, body: payload.comment.text },
    author: { externalId: payload.actor.id, login: payload.actor.name },
    ...(payload.commentParentId ? { inReplyTo: { id: payload.commentParentId } } : {}),
  };
  return { events: [event] };
}

/** `pr:merged` is a merge; `pr:declined` and `pr:deleted` end the pull request without one. */
function parseClosed(body: string, event: string): ParsedDelivery {
  const { pullRequest } = parseAs(pullRequestClosed, body, event);
  return {
    events: [
      {
        type: 'pull-request.closed',
        repository: toRepository(pullRequest.toRef.repository),
        pullRequest: pullRequest.id,
        merged: event === 'pr:merged',
      },
    ],
  };
}

export const bitbucketDataCenterWebhookReceiver: WebhookReceiver = {
  kind: 'bitbucket-data-center',
  ...xHubSignedDelivery({ name: 'x-request-id', label: 'X-Request-Id' }),
  parse({ event, body }) {
    switch (event) {
      case 'repo:refs_changed':
        return parseRefsChanged(body);
      case 'repo:modified':
        return parseModified(body);
      case 'pr:comment:added':
        return parseCommentAdded(body);
      case 'pr:merged':
      case 'pr:declined':
      case 'pr:deleted':
        return parseClosed(body, event);
      case 'diagnostics:ping':
        return ignored('A test delivery: the hook works.');
      default:
        return notHandled(event);
    }
  },
};
