import { z } from 'zod';
import {
  branchOf,
  commitOrNull,
  deliveryIdOf,
  ignored,
  notHandled,
  parseAs,
  parseJson,
} from '../webhook-payload.js';
import type { ParsedDelivery, PushEvent, WebhookReceiver } from '../webhook-receiver.js';
import { verifyBasicAuth } from '../webhook-signatures.js';
import { parsePullRequestEvent, pullRequestEvents } from './pull-request-webhooks.js';
import { fullNameOf, repository, toRepository } from './webhook-repository.js';

/*
 * Azure DevOps service hook deliveries (consumer `webHooks`, action `httpRequest`). Sources: "Webhooks" for
 * service hooks (basic-auth user name and password per subscription, https required; no signature) and "Service
 * hooks events" (the envelope `id`, `eventType`, `resource`; the git.push sample payload). The repository events
 * git.repo.created / deleted / renamed / statuschanged are listed by the hooks publisher but have no sample in
 * the docs: their resource shapes follow the recorded notifications of the public client mburumaxwell/paklo
 * (`packages/core/src/azure/events.ts` and its test fixtures).
 */

const envelope = z.object({ id: z.string().optional(), eventType: z.string().optional() });

const push = z.object({
  resource: z.object({
    repository,
    refUpdates: z.array(
      z.object({ name: z.string(), oldObjectId: z.string().nullish(), newObjectId: z.string().nullish() }),
    ),
  }),
});

const withRepository = z.object({ resource: z.object({ repository }) });
const renamed = z.object({ resource: z.object({ oldName: z.string(), repository }) });
const statusChanged = z.object({ resource: z.object({ disabled: z.boolean(), repository }) });
const deleted = z.object({
  resource: z.object({
    repositoryId: z.string(),
    repositoryName: z.string(),
    project: z.object({ id: z.string(), name: z.string() }),
  }),
});

function parsePush(body: string, organization: string | undefined): ParsedDelivery {
  const { resource } = parseAs(push, body, 'git.push');
  const repo = toRepository(resource.repository, organization);
  const events: PushEvent[] = [];
  for (const update of resource.refUpdates) {
    const branch = branchOf(update.name);
    if (branch === undefined) continue;
    events.push({
      type: 'push',
      repository: repo,
      branch,
      before: commitOrNull(update.oldObjectId),
      after: commitOrNull(update.newObjectId),
    });
  }
  return events.length > 0 ? { events } : ignored('A push that changed no branch (tags only).');
}

function parseRepositoryEvent(event: string, body: string, organization: string | undefined): ParsedDelivery {
  switch (event) {
    case 'git.repo.created': {
      const { resource } = parseAs(withRepository, body, event);
      return {
        events: [{ type: 'repository.created', repository: toRepository(resource.repository, organization) }],
      };
    }
    case 'git.repo.renamed': {
      const { resource } = parseAs(renamed, body, event);
      const repository = toRepository(resource.repository, organization);
      const previousFullName = fullNameOf(organization, resource.repository.project.name, resource.oldName);
      return { events: [{ type: 'repository.renamed', repository, previousFullName }] };
    }
    case 'git.repo.statuschanged': {
      // A disabled repository cannot be read: the inventory keeps it as archived.
      const { resource } = parseAs(statusChanged, body, event);
      const repository = { ...toRepository(resource.repository, organization), archived: resource.disabled };
      return {
        events: [{ type: resource.disabled ? 'repository.archived' : 'repository.unarchived', repository }],
      };
    }
    default: {
      const { resource } = parseAs(deleted, body, event);
      return {
        events: [
          {
            type: 'repository.deleted',
            repository: {
              externalId: resource.repositoryId,
              fullName: fullNameOf(organization, resource.project.name, resource.repositoryName),
              name: resource.repositoryName,
            },
          },
        ],
      };
    }
  }
}

const repositoryEvents = new Set([
  'git.repo.created',
  'git.repo.deleted',
  'git.repo.renamed',
  'git.repo.statuschanged',
]);

export const azureDevOpsWebhookReceiver: WebhookReceiver = {
  kind: 'azure-devops',
  verify: (delivery, secrets) => verifyBasicAuth(delivery.headers, secrets.secret, delivery.secure),
  identify(delivery) {
    // The event's id is in the body: the same for every retry of one notification.
    const parsed = envelope.safeParse(parseJson(delivery.rawBody));
    const body = parsed.success ? parsed.data : {};
    return {
      deliveryId: deliveryIdOf([{ label: 'The body\'s "id"', value: body.id }], delivery.rawBody),
      event: body.eventType ?? '',
    };
  },
  parse({ event, body, organization }) {
    if (event === 'git.push') return parsePush(body, organization);
    if (pullRequestEvents.has(event)) return parsePullRequestEvent(event, body, organization);
    if (repositoryEvents.has(event)) return parseRepositoryEvent(event, body, organization);
    return notHandled(event);
  },
};
