import { z } from 'zod';
import { webhookAccount, webhookId } from './webhook-ids.js';
import { branchOf, commitOrNull, deliveryIdOf, ignored, notHandled, parseAs } from '../webhook-payload.js';
import type { ParsedDelivery, WebhookReceiver, WebhookRepository } from '../webhook-receiver.js';
import { firstHeader, verifyHexHmac } from '../webhook-signatures.js';
import { parseIssueComment, parsePullRequest, parseReviewComment } from './pull-request-webhooks.js';

/*
 * GitHub and GitHub Enterprise Server deliveries. Sources: "Validating webhook deliveries" (X-Hub-Signature-256,
 * HMAC-SHA256 hex of the raw body) and "Webhook events and payloads" (delivery headers; push, repository,
 * installation, installation_repositories, organization, pull_request, pull_request_review_comment and
 * issue_comment payloads), with the field shapes of GitHub's OpenAPI
 * description (@octokit/openapi, `x-webhooks`) and the captured examples of octokit/webhooks (`payload-examples`).
 */

const id = webhookId;
const account = webhookAccount;

const repository = z.object({
  id,
  name: z.string(),
  full_name: z.string(),
  html_url: z.string(),
  private: z.boolean(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  archived: z.boolean().optional(),
  default_branch: z.string().nullish(),
  owner: z.object({ login: z.string() }),
});

const push = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  forced: z.boolean().optional(),
  repository,
});

const repositoryEvent = z.object({
  action: z.string(),
  repository,
  changes: z
    .object({
      repository: z.object({ name: z.object({ from: z.string() }) }).optional(),
      owner: z
        .object({ from: z.object({ organization: account.optional(), user: account.nullish() }) })
        .optional(),
    })
    .optional(),
});

const listedRepository = z.object({ id, name: z.string(), full_name: z.string() });

const installation = z.object({
  action: z.string(),
  installation: z.object({ id, account }),
  sender: account.optional(),
  repositories: z.array(listedRepository).optional(),
  repositories_added: z.array(listedRepository).optional(),
  repositories_removed: z.array(listedRepository).optional(),
});

const organization = z.object({
  action: z.string(),
  organization: account,
  membership: z.object({ role: z.string().optional(), user: account.nullish() }).optional(),
});

function toRepository(repo: z.infer<typeof repository>): WebhookRepository {
  return {
    externalId: repo.id,
    fullName: repo.full_name,
    name: repo.name,
    webUrl: repo.html_url,
    ...(repo.default_branch !== undefined ? { defaultBranch: repo.default_branch ?? null } : {}),
    visibility: repo.visibility ?? (repo.private ? 'private' : 'public'),
    ...(repo.archived !== undefined ? { archived: repo.archived } : {}),
  };
}

const plainRepositoryActions = {
  created: 'repository.created',
  deleted: 'repository.deleted',
  archived: 'repository.archived',
  unarchived: 'repository.unarchived',
  edited: 'repository.updated',
  privatized: 'repository.updated',
  publicized: 'repository.updated',
} as const;

function parseRepositoryEvent(body: string): ParsedDelivery {
  const event = parseAs(repositoryEvent, body, 'repository');
  const repo = toRepository(event.repository);
  if (Object.hasOwn(plainRepositoryActions, event.action)) {
    const type = plainRepositoryActions[event.action as keyof typeof plainRepositoryActions];
    return { events: [{ type, repository: repo }] };
  }
  if (event.action === 'renamed') {
    const from = event.changes?.repository?.name.from;
    if (from === undefined) return ignored('A renamed repository event without the previous name.');
    const owner = event.repository.owner.login;
    return {
      events: [{ type: 'repository.renamed', repository: repo, previousFullName: `${owner}/${from}` }],
    };
  }
  if (event.action === 'transferred') {
    const from = event.changes?.owner?.from;
    const previousOwner = from?.organization?.login ?? from?.user?.login;
    return {
      events: [
        {
          type: 'repository.moved',
          repository: repo,
          ...(previousOwner ? { previousOwner, previousFullName: `${previousOwner}/${repo.name}` } : {}),
        },
      ],
    };
  }
  return ignored(`Repository action "${event.action.slice(0, 50)}" is not handled.`);
}

const installationActions = {
  created: 'installation.created',
  deleted: 'installation.deleted',
  suspend: 'installation.suspended',
  unsuspend: 'installation.unsuspended',
} as const;

function parseInstallation(
  body: string,
  event: 'installation' | 'installation_repositories',
): ParsedDelivery {
  const payload = parseAs(installation, body, event);
  const base = {
    installationId: payload.installation.id,
    account: toAccount(payload.installation.account),
    ...(payload.sender ? { sender: toAccount(payload.sender) } : {}),
  };
  const pick = (list: z.infer<typeof listedRepository>[] | undefined) =>
    (list ?? []).map((r) => ({ externalId: r.id, fullName: r.full_name, name: r.name }));
  if (event === 'installation_repositories') {
    if (payload.action !== 'added' && payload.action !== 'removed')
      return ignored(`Installation repositories action "${payload.action.slice(0, 50)}" is not handled.`);
    return {
      events: [
        {
          type: 'installation.repositories-changed',
          ...base,
          repositoriesAdded: pick(payload.repositories_added),
          repositoriesRemoved: pick(payload.repositories_removed),
        },
      ],
    };
  }
  if (!Object.hasOwn(installationActions, payload.action)) {
    return ignored(`Installation action "${payload.action.slice(0, 50)}" is not handled.`);
  }
  const type = installationActions[payload.action as keyof typeof installationActions];
  return {
    events: [
      {
        type,
        ...base,
        ...(type === 'installation.created' ? { repositoriesAdded: pick(payload.repositories) } : {}),
      },
    ],
  };
}

const toAccount = (a: z.infer<typeof account>) => ({ externalId: a.id, login: a.login });

function parseOrganization(body: string): ParsedDelivery {
  const payload = parseAs(organization, body, 'organization');
  const user = payload.membership?.user;
  if ((payload.action !== 'member_added' && payload.action !== 'member_removed') || !user) {
    return ignored(`Organization action "${payload.action.slice(0, 50)}" is not handled.`);
  }
  return {
    events: [
      {
        type: payload.action === 'member_added' ? 'membership.added' : 'membership.removed',
        organization: { externalId: payload.organization.id, name: payload.organization.login },
        member: toAccount(user),
        ...(payload.membership?.role ? { role: payload.membership.role } : {}),
      },
    ],
  };
}

const withRepository = z.object({ repository });

/** A pull request event: its repository read here, the rest in `pull-request-webhooks.ts`. */
function parseOnRepository(
  body: string,
  event: string,
  parse: (body: string, repository: WebhookRepository) => ParsedDelivery,
): ParsedDelivery {
  return parse(body, toRepository(parseAs(withRepository, body, event).repository));
}

function parsePush(body: string): ParsedDelivery {
  const payload = parseAs(push, body, 'push');
  const branch = branchOf(payload.ref);
  if (branch === undefined) return ignored('A push to a tag or another ref than a branch.');
  return {
    events: [
      {
        type: 'push',
        repository: toRepository(payload.repository),
        branch,
        before: commitOrNull(payload.before),
        after: commitOrNull(payload.after),
        ...(payload.forced !== undefined ? { forced: payload.forced } : {}),
      },
    ],
  };
}

export const githubWebhookReceiver: WebhookReceiver = {
  kind: 'github',
  verify: (delivery, secrets) =>
    verifyHexHmac(delivery.headers, delivery.rawBody, secrets.secret, {
      name: 'x-hub-signature-256',
      label: 'X-Hub-Signature-256',
    }),
  identify: (delivery) => ({
    // The same GUID for every redelivery of one event.
    deliveryId: deliveryIdOf(
      [{ label: 'X-GitHub-Delivery', value: firstHeader(delivery.headers, 'x-github-delivery') }],
      delivery.rawBody,
    ),
    event: firstHeader(delivery.headers, 'x-github-event') ?? '',
  }),
  parse({ event, body }) {
    switch (event) {
      case 'push':
        return parsePush(body);
      case 'repository':
        return parseRepositoryEvent(body);
      case 'installation':
      case 'installation_repositories':
        return parseInstallation(body, event);
      case 'organization':
        return parseOrganization(body);
      case 'pull_request_review_comment':
        return parseOnRepository(body, event, parseReviewComment);
      case 'issue_comment':
        return parseOnRepository(body, event, parseIssueComment);
      case 'pull_request':
        return parseOnRepository(body, event, parsePullRequest);
      case 'ping':
        return ignored('A ping: the hook works.');
      default:
        return notHandled(event);
    }
  },
};
