import { z } from 'zod';
import {
  branchOf,
  commitOrNull,
  ignored,
  notHandled,
  parseAs,
  xHubSignedDelivery,
} from '../webhook-payload.js';
import type { ParsedDelivery, PushEvent, WebhookReceiver, WebhookRepository } from '../webhook-receiver.js';
import { repositorySchema, type BbdcRepository } from './schemas.js';

/*
 * Bitbucket Data Center deliveries. Sources: Atlassian's "Event payload" for Bitbucket Data Center (headers
 * X-Request-Id, X-Event-Key, X-Hub-Signature; repo:refs_changed and repo:modified payloads, whose `repository`,
 * `old` and `new` are RestRepository) and "Manage webhooks" (the secret signs the body, HMACSha256 by default:
 * `X-Hub-Signature: sha256=<hex>`), with the captured payloads of go-playground/webhooks
 * (`testdata/bitbucket-server`).
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

export const bitbucketDataCenterWebhookReceiver: WebhookReceiver = {
  kind: 'bitbucket-data-center',
  ...xHubSignedDelivery({ name: 'x-request-id', label: 'X-Request-Id' }),
  parse({ event, body }) {
    switch (event) {
      case 'repo:refs_changed':
        return parseRefsChanged(body);
      case 'repo:modified':
        return parseModified(body);
      case 'diagnostics:ping':
        return ignored('A test delivery: the hook works.');
      default:
        return notHandled(event);
    }
  },
};
