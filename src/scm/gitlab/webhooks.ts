import { z } from 'zod';
import { branchOf, commitOrNull, deliveryIdOf, ignored, notHandled, parseAs } from '../webhook-payload.js';
import type { RepositoryVisibility } from '../provider.js';
import type { ParsedDelivery, WebhookReceiver } from '../webhook-receiver.js';
import {
  firstHeader,
  readHeader,
  refused,
  tokensMatch,
  verifyStandardWebhook,
} from '../webhook-signatures.js';
import { parseMergeRequestHook, parseNoteHook } from './webhook-merge-requests.js';

/*
 * GitLab (Cloud and Self-Managed) deliveries. Sources: GitLab's "Webhooks" docs (the secret token arrives verbatim
 * in X-Gitlab-Token; delivery headers X-Gitlab-Event, X-Gitlab-Event-UUID, Idempotency-Key), "Webhook events"
 * (Push Hook, Project Hook with project_create / project_destroy, Member Hook payloads) and merge request !230944
 * with !231325 (the signing token: `whsec_` + base64 key, Standard Webhooks headers webhook-id = Idempotency-Key,
 * webhook-timestamp, webhook-signature `v1,<base64>` over "{id}.{timestamp}.{body}").
 */

const id = z.union([z.number(), z.string()]).transform(String);

/** `visibility_level` of project payloads: 0 private, 10 internal, 20 public. */
const visibilityOfLevel = (level: number | undefined): RepositoryVisibility | undefined =>
  level === 20 ? 'public' : level === 10 ? 'internal' : level === 0 ? 'private' : undefined;

const push = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  project: z.object({
    id,
    name: z.string(),
    path_with_namespace: z.string(),
    web_url: z.string(),
    default_branch: z.string().nullish(),
    visibility_level: z.number().optional(),
  }),
});

const projectEvent = z.object({
  event_name: z.string(),
  project_id: id,
  name: z.string(),
  path_with_namespace: z.string(),
  project_visibility: z.enum(['private', 'internal', 'public']).optional(),
});

const memberEvent = z.object({
  event_name: z.string(),
  group_id: id,
  group_path: z.string(),
  user_id: id,
  user_username: z.string(),
  group_access: z.string().optional(),
});

function parsePush(body: string): ParsedDelivery {
  const payload = parseAs(push, body, 'Push Hook');
  const branch = branchOf(payload.ref);
  if (branch === undefined) return ignored('A push to a ref other than a branch.');
  const { project } = payload;
  const visibility = visibilityOfLevel(project.visibility_level);
  return {
    events: [
      {
        type: 'push',
        repository: {
          externalId: project.id,
          fullName: project.path_with_namespace,
          name: project.name,
          webUrl: project.web_url,
          ...(project.default_branch !== undefined ? { defaultBranch: project.default_branch ?? null } : {}),
          ...(visibility ? { visibility } : {}),
        },
        branch,
        before: commitOrNull(payload.before),
        after: commitOrNull(payload.after),
      },
    ],
  };
}

function parseProject(body: string): ParsedDelivery {
  const payload = parseAs(projectEvent, body, 'Project Hook');
  const type =
    payload.event_name === 'project_create'
      ? 'repository.created'
      : payload.event_name === 'project_destroy'
        ? 'repository.deleted'
        : undefined;
  if (!type) return ignored(`Project event "${payload.event_name.slice(0, 50)}" is not handled.`);
  return {
    events: [
      {
        type,
        repository: {
          externalId: payload.project_id,
          fullName: payload.path_with_namespace,
          name: payload.name,
          ...(payload.project_visibility ? { visibility: payload.project_visibility } : {}),
        },
      },
    ],
  };
}

const memberActions = {
  user_add_to_group: 'membership.added',
  user_remove_from_group: 'membership.removed',
  user_update_for_group: 'membership.changed',
} as const;

function parseMember(body: string): ParsedDelivery {
  const payload = parseAs(memberEvent, body, 'Member Hook');
  if (!Object.hasOwn(memberActions, payload.event_name)) {
    return ignored(`Member event "${payload.event_name.slice(0, 50)}" is not handled.`);
  }
  return {
    events: [
      {
        type: memberActions[payload.event_name as keyof typeof memberActions],
        organization: { externalId: payload.group_id, name: payload.group_path },
        member: { externalId: payload.user_id, login: payload.user_username },
        ...(payload.group_access ? { role: payload.group_access } : {}),
      },
    ],
  };
}

export const gitlabWebhookReceiver: WebhookReceiver = {
  kind: 'gitlab',
  verify(delivery, secrets) {
    const token = readHeader(delivery.headers, 'x-gitlab-token');
    if (token.state === 'absent') {
      return refused(
        'missing-signature',
        "The delivery has no X-Gitlab-Token header: set the hook's secret token to the one scm-connect gave for it.",
      );
    }
    if (token.state === 'repeated')
      return refused('repeated-header', 'X-Gitlab-Token was sent more than once.');
    if (token.value === '') return refused('malformed-signature', 'X-Gitlab-Token is empty.');
    if (!tokensMatch(token.value, secrets.secret)) {
      return refused(
        'signature-mismatch',
        "X-Gitlab-Token does not match this hook's secret token: set the secret token scm-connect gave on the hook.",
      );
    }
    if (secrets.signingSecret === null) return { ok: true };
    return verifyStandardWebhook(delivery.headers, delivery.rawBody, secrets.signingSecret, delivery.now);
  },
  identify: (delivery) => ({
    // webhook-id equals Idempotency-Key (GitLab 17.4+), stable across retries; X-Gitlab-Event-UUID since 16.2.
    deliveryId: deliveryIdOf(
      [
        { label: 'webhook-id', value: firstHeader(delivery.headers, 'webhook-id') },
        { label: 'Idempotency-Key', value: firstHeader(delivery.headers, 'idempotency-key') },
        { label: 'X-Gitlab-Event-UUID', value: firstHeader(delivery.headers, 'x-gitlab-event-uuid') },
      ],
      delivery.rawBody,
    ),
    event: firstHeader(delivery.headers, 'x-gitlab-event') ?? '',
  }),
  parse({ event, body }) {
    switch (event) {
      case 'Push Hook':
        return parsePush(body);
      case 'Project Hook':
        return parseProject(body);
      case 'Member Hook':
        return parseMember(body);
      case 'Note Hook':
        return parseNoteHook(body);
      case 'Merge Request Hook':
        return parseMergeRequestHook(body);
      case 'Tag Push Hook':
        return ignored('A tag push.');
      default:
        return notHandled(event);
    }
  },
};
