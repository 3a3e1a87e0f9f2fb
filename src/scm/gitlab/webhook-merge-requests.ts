import { z } from 'zod';
import type { RepositoryVisibility } from '../provider.js';
import { ignored, parseAs } from '../webhook-payload.js';
import type { ParsedDelivery, WebhookRepository } from '../webhook-receiver.js';

/*
 * Merge request deliveries, as GitLab's "Webhook events" documents them: "Comment on a merge request" (`Note Hook`,
 * `object_attributes` holds the note with `noteable_type`, `discussion_id`, `type`, `system`, `action` since 16.11)
 * and "Merge request events" (`Merge Request Hook`, `object_attributes.action` `close` / `merge` among others).
 */

const id = z.union([z.number(), z.string()]).transform(String);

const project = z.object({
  id,
  name: z.string(),
  path_with_namespace: z.string(),
  web_url: z.string().optional(),
  default_branch: z.string().nullish(),
  visibility_level: z.number().optional(),
});

const noteEvent = z.object({
  user: z.object({ id, username: z.string() }),
  project,
  object_attributes: z.object({
    id,
    note: z.string(),
    noteable_type: z.string(),
    discussion_id: z.string().nullish(),
    type: z.string().nullish(),
    system: z.boolean().nullish(),
    action: z.string().nullish(),
  }),
  merge_request: z.object({ iid: z.number().int() }).optional(),
});

const mergeRequestEvent = z.object({
  project,
  object_attributes: z.object({ iid: z.number().int(), action: z.string().nullish() }),
});

const visibilityOfLevel = (level: number | undefined): RepositoryVisibility | undefined =>
  level === 20 ? 'public' : level === 10 ? 'internal' : level === 0 ? 'private' : undefined;

function repositoryOf(payload: z.output<typeof project>): WebhookRepository {
  const visibility = visibilityOfLevel(payload.visibility_level);
  return {
    externalId: payload.id,
    fullName: payload.path_with_namespace,
    name: payload.name,
    ...(payload.web_url ? { webUrl: payload.web_url } : {}),
    ...(payload.default_branch !== undefined ? { defaultBranch: payload.default_branch ?? null } : {}),
    ...(visibility ? { visibility } : {}),
  };
}

/** Notes in a thread (`DiscussionNote`, `DiffNote`) answer that thread; a standalone note (`type` null) none. */
const threadTypes = new Set(['DiscussionNote', 'DiffNote']);

export function parseNoteHook(body: string): ParsedDelivery {
  const payload = parseAs(noteEvent, body, 'Note Hook');
  const note = payload.object_attributes;
  if (note.noteable_type !== 'MergeRequest' || payload.merge_request === undefined) {
    return ignored('A comment on something other than a merge request.');
  }
  if (note.system === true) return ignored('A system note.');
  if (note.action !== undefined && note.action !== null && note.action !== 'create') {
    return ignored(`A comment ${note.action.slice(0, 20)}d, not written.`);
  }
  const threadId = note.discussion_id ?? undefined;
  const inThread =
    threadId !== undefined && note.type !== null && note.type !== undefined && threadTypes.has(note.type);
  return {
    events: [
      {
        type: 'pull-request.comment',
        repository: repositoryOf(payload.project),
        pullRequest: payload.merge_request.iid,
        comment: { id: note.id, ...(threadId === undefined ? {} : { threadId }), body: note.note },
        author: { externalId: payload.user.id, login: payload.user.username },
        ...(inThread ? { inReplyTo: { threadId } } : {}),
      },
    ],
  };
}

export function parseMergeRequestHook(body: string): ParsedDelivery {
  const payload = parseAs(mergeRequestEvent, body, 'Merge Request Hook');
  const action = payload.object_attributes.action;
  if (action !== 'close' && action !== 'merge') {
    return ignored(`Merge request action "${(action ?? '').slice(0, 30)}" is not handled.`);
  }
  return {
    events: [
      {
        type: 'pull-request.closed',
        repository: repositoryOf(payload.project),
        pullRequest: payload.object_attributes.iid,
        merged: action === 'merge',
      },
    ],
  };
}
