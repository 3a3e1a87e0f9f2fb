import { z } from 'zod';
import { commitOrNull, ignored, notHandled, parseAs, xHubSignedDelivery } from '../webhook-payload.js';
import type {
  ParsedDelivery,
  PushEvent,
  WebhookAccount,
  WebhookReceiver,
  WebhookRepository,
} from '../webhook-receiver.js';

/*
 * Bitbucket Cloud deliveries. Sources: Atlassian's "Event payloads" for Bitbucket Cloud (headers X-Event-Key,
 * X-Hook-UUID, X-Request-UUID, X-Attempt-Number; repo:push, repo:updated, repo:transfer payloads and the
 * Repository entity), the hook events of the Bitbucket Cloud OpenAPI (`repo:created`, `repo:deleted`, whose
 * payloads carry the repository like the other repository events), the "Enhanced webhook security" announcement and the hook resource of the
 * Bitbucket Cloud OpenAPI (X-Hub-Signature: sha256=<hex HMAC>, sent when the hook has a secret), and the captured
 * payloads of go-playground/webhooks (`testdata/bitbucket`). Pull request events (`pullrequest:comment_created`,
 * `pullrequest:fulfilled`, `pullrequest:rejected`) follow the same page: `{actor, pullrequest, repository}`, plus
 * `comment` (with `parent` for a reply) for a new comment.
 */

const repository = z.object({
  uuid: z.string(),
  name: z.string(),
  full_name: z.string(),
  is_private: z.boolean().optional(),
  mainbranch: z.object({ name: z.string() }).nullish(),
  links: z.object({ html: z.object({ href: z.string() }).optional() }).optional(),
});

const ref = z.object({
  type: z.string(),
  name: z.string(),
  target: z.object({ hash: z.string() }).optional(),
});

const push = z.object({
  repository,
  push: z.object({
    changes: z.array(z.object({ new: ref.nullable(), old: ref.nullable(), forced: z.boolean().optional() })),
  }),
});

const updated = z.object({
  repository,
  changes: z.object({ full_name: z.object({ old: z.string(), new: z.string() }).optional() }).optional(),
});

const transfer = z.object({
  repository,
  previous_workspace: z.object({ slug: z.string() }).nullish(),
});

/** `repo:created` and `repo:deleted` carry the repository (and the actor). */
const repositoryOnly = z.object({ repository });

const account = z.object({
  uuid: z.string(),
  nickname: z.string().nullish(),
  account_id: z.string().nullish(),
  display_name: z.string().nullish(),
});

const pullRequestEvent = z.object({
  repository,
  actor: account.nullish(),
  pullrequest: z.object({ id: z.number().int().positive(), state: z.string().optional() }),
});

const commentEvent = pullRequestEvent.extend({
  comment: z.object({
    id: z.number().int(),
    content: z.object({ raw: z.string().nullish() }).nullish(),
    user: account.nullish(),
    parent: z.object({ id: z.number().int() }).nullish(),
  }),
});

const toAccount = (user: z.infer<typeof account>): WebhookAccount => ({
  externalId: user.uuid,
  login: user.nickname ?? user.account_id ?? user.uuid,
});

function parseComment(body: string): ParsedDelivery {
  const payload = parseAs(commentEvent, body, 'pullrequest:comment_created');
  const { comment } = payload;
  const author = comment.user ?? payload.actor;
  if (!author) return ignored('A comment without an author.');
  return {
    events: [
      {
        type: 'pull-request.comment',
        repository: toRepository(payload.repository),
        pullRequest: payload.pullrequest.id,
        comment: {
          id: String(comment.id),
          ...(comment.parent ? { threadId: String(comment.parent.id) } : {}),
          body: comment.content?.raw ?? '',
        },
        author: toAccount(author),
        ...(comment.parent ? { inReplyTo: { id: String(comment.parent.id) } } : {}),
      },
    ],
  };
}

function parseClosed(event: 'pullrequest:fulfilled' | 'pullrequest:rejected', body: string): ParsedDelivery {
  const payload = parseAs(pullRequestEvent, body, event);
  return {
    events: [
      {
        type: 'pull-request.closed',
        repository: toRepository(payload.repository),
        pullRequest: payload.pullrequest.id,
        merged: event === 'pullrequest:fulfilled',
      },
    ],
  };
}

function toRepository(repo: z.infer<typeof repository>): WebhookRepository {
  return {
    externalId: repo.uuid,
    fullName: repo.full_name,
    name: repo.name,
    ...(repo.links?.html ? { webUrl: repo.links.html.href } : {}),
    ...(repo.mainbranch !== undefined ? { defaultBranch: repo.mainbranch?.name ?? null } : {}),
    ...(repo.is_private !== undefined ? { visibility: repo.is_private ? 'private' : 'public' } : {}),
  };
}

const workspaceOf = (fullName: string) => fullName.split('/')[0] ?? '';

function parsePush(body: string): ParsedDelivery {
  const payload = parseAs(push, body, 'repo:push');
  const repo = toRepository(payload.repository);
  const events: PushEvent[] = [];
  for (const change of payload.push.changes) {
    const ref = change.new ?? change.old;
    // `named_branch` is Mercurial's; only git branches are pushed to now.
    if (!ref || ref.type !== 'branch') continue;
    events.push({
      type: 'push',
      repository: repo,
      branch: ref.name,
      before: commitOrNull(change.old?.target?.hash),
      after: commitOrNull(change.new?.target?.hash),
      ...(change.forced !== undefined ? { forced: change.forced } : {}),
    });
  }
  return events.length > 0 ? { events } : ignored('A push that changed no branch (tags only).');
}

function parseUpdated(body: string): ParsedDelivery {
  const payload = parseAs(updated, body, 'repo:updated');
  const repo = toRepository(payload.repository);
  const fullName = payload.changes?.full_name;
  if (!fullName || fullName.old === fullName.new)
    return { events: [{ type: 'repository.updated', repository: repo }] };
  const moved = workspaceOf(fullName.old) !== workspaceOf(fullName.new);
  return {
    events: [
      moved
        ? {
            type: 'repository.moved',
            repository: repo,
            previousFullName: fullName.old,
            previousOwner: workspaceOf(fullName.old),
          }
        : { type: 'repository.renamed', repository: repo, previousFullName: fullName.old },
    ],
  };
}

function parseTransfer(body: string): ParsedDelivery {
  const payload = parseAs(transfer, body, 'repo:transfer');
  const previous = payload.previous_workspace?.slug;
  const repo = toRepository(payload.repository);
  return {
    events: [
      {
        type: 'repository.moved',
        repository: repo,
        ...(previous
          ? {
              previousOwner: previous,
              previousFullName: `${previous}/${repo.fullName.split('/')[1] ?? repo.name}`,
            }
          : {}),
      },
    ],
  };
}

export const bitbucketCloudWebhookReceiver: WebhookReceiver = {
  kind: 'bitbucket-cloud',
  ...xHubSignedDelivery({ name: 'x-request-uuid', label: 'X-Request-UUID' }),
  parse({ event, body }) {
    switch (event) {
      case 'repo:push':
        return parsePush(body);
      case 'repo:updated':
        return parseUpdated(body);
      case 'repo:transfer':
        return parseTransfer(body);
      case 'pullrequest:comment_created':
        return parseComment(body);
      case 'pullrequest:fulfilled':
      case 'pullrequest:rejected':
        return parseClosed(event, body);
      case 'repo:created':
      case 'repo:deleted':
        return {
          events: [
            {
              type: event === 'repo:created' ? 'repository.created' : 'repository.deleted',
              repository: toRepository(parseAs(repositoryOnly, body, event).repository),
            },
          ],
        };
      default:
        return notHandled(event);
    }
  },
};
