import { z } from 'zod';
import { webhookAccount, webhookId } from './webhook-ids.js';
import { ignored, parseAs } from '../webhook-payload.js';
import type { ParsedDelivery, WebhookRepository } from '../webhook-receiver.js';

/*
 * Pull request deliveries ("Webhook events and payloads": `pull_request_review_comment`, `issue_comment`,
 * `pull_request`), with the field shapes of GitHub's OpenAPI description (`x-webhooks`).
 */

const id = webhookId;
const account = webhookAccount;

const comment = z.object({ id, body: z.string().nullish(), user: account.nullable() });

const reviewComment = z.object({
  action: z.string(),
  comment: comment.extend({ in_reply_to_id: id.optional() }),
  pull_request: z.object({ number: z.number().int().positive() }),
  sender: account.optional(),
});

const issueComment = z.object({
  action: z.string(),
  comment,
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({}).passthrough().nullish(),
  }),
  sender: account.optional(),
});

const pullRequest = z.object({
  action: z.string(),
  number: z.number().int().positive().optional(),
  pull_request: z.object({
    number: z.number().int().positive(),
    merged: z.boolean().nullish(),
    merged_at: z.string().nullish(),
  }),
});

const toAccount = (a: z.infer<typeof account>) => ({ externalId: a.id, login: a.login });

/** The author of a comment: its user, or the sender when GitHub sent no user (a deleted account). */
function authorOf(
  user: z.infer<typeof account> | null,
  sender: z.infer<typeof account> | undefined,
): { externalId: string; login: string } | undefined {
  const who = user ?? sender;
  return who ? toAccount(who) : undefined;
}

/** A review comment created: a reply names its thread's first comment (`in_reply_to_id`). */
export function parseReviewComment(body: string, repository: WebhookRepository): ParsedDelivery {
  const payload = parseAs(reviewComment, body, 'pull_request_review_comment');
  if (payload.action !== 'created') {
    return ignored(`Review comment action "${payload.action.slice(0, 50)}" is not handled.`);
  }
  const author = authorOf(payload.comment.user, payload.sender);
  if (!author) return ignored('A review comment without an author.');
  const parent = payload.comment.in_reply_to_id;
  return {
    events: [
      {
        type: 'pull-request.comment',
        repository,
        pullRequest: payload.pull_request.number,
        comment: {
          id: payload.comment.id,
          threadId: parent ?? payload.comment.id,
          body: payload.comment.body ?? '',
        },
        author,
        ...(parent === undefined ? {} : { inReplyTo: { id: parent, threadId: parent } }),
      },
    ],
  };
}

/** An issue comment created on a pull request (an issue's comments are not ours to read). */
export function parseIssueComment(body: string, repository: WebhookRepository): ParsedDelivery {
  const payload = parseAs(issueComment, body, 'issue_comment');
  if (payload.action !== 'created') {
    return ignored(`Issue comment action "${payload.action.slice(0, 50)}" is not handled.`);
  }
  if (!payload.issue.pull_request) return ignored('A comment on an issue, not on a pull request.');
  const author = authorOf(payload.comment.user, payload.sender);
  if (!author) return ignored('An issue comment without an author.');
  return {
    events: [
      {
        type: 'pull-request.comment',
        repository,
        pullRequest: payload.issue.number,
        comment: { id: payload.comment.id, body: payload.comment.body ?? '' },
        author,
      },
    ],
  };
}

/** A pull request closed, merged (`pull_request.merged`) or not. */
export function parsePullRequest(body: string, repository: WebhookRepository): ParsedDelivery {
  const payload = parseAs(pullRequest, body, 'pull_request');
  if (payload.action !== 'closed') {
    return ignored(`Pull request action "${payload.action.slice(0, 50)}" is not handled.`);
  }
  const merged = payload.pull_request.merged === true || Boolean(payload.pull_request.merged_at);
  return {
    events: [
      {
        type: 'pull-request.closed',
        repository,
        pullRequest: payload.number ?? payload.pull_request.number,
        merged,
      },
    ],
  };
}
