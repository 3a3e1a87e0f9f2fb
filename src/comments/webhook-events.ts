import type { ServiceContext } from '../context.js';
import { AppError } from '../core/errors.js';
import { ScmError } from '../scm/errors.js';
import { enqueueJob } from '../jobs/jobs.js';
import { triageFinding } from '../findings/triage.js';
import type { PullRequestCommentEvent, WebhookRepository } from '../scm/webhook-receiver.js';
import type { WebhookEventContext, WebhookEventHandlers } from '../webhooks/process-job.js';
import { ignoreReasonLabel } from './bodies.js';
import { dropPullRequest } from './drop-pull-request.js';
import { commentsReconcileJobKind, connectionCommentTools } from './job.js';
import type { WithCommentTools } from './reconcile.js';
import { escapeText } from './markdown.js';
import { parseReplyCommand, type ReplyCommand } from './reply-command.js';
import { findRepliedComment, newestPullRequestScan, type PullRequestScope } from './store.js';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>;

/** The repository an event names, among the connection's. */
async function repositoryOf(ctx: Ctx, context: WebhookEventContext, repository: WebhookRepository) {
  if (context.connectionId === null) return undefined;
  return ctx.db
    .selectFrom('repositories')
    .select(['id', 'external_id', 'full_name'])
    .where('account_id', '=', context.accountId)
    .where('connection_id', '=', context.connectionId)
    .where('external_id', '=', repository.externalId)
    .executeTakeFirst();
}

function confirmation(command: ReplyCommand, login: string, changed: boolean): string {
  const who = escapeText(login, 100);
  if (command.action === 'reopen') {
    return changed
      ? `Reopened by ${who}: this finding counts again.`
      : 'This finding is not ignored: nothing to reopen.';
  }
  const note = command.note ? ` (${escapeText(command.note, 500)})` : '';
  return (
    `Ignored as ${ignoreReasonLabel[command.reason]} by ${who}${note}. It stays ignored in later scans; ` +
    'reply `/open` to reopen it.'
  );
}

/**
 * What pull request events do: a reply `/fp`, `/ar`, `/other` or `/open` to one of our comments triages its
 * finding, when the person may write to the repository (asked of the SCM), and our reply confirms it; a pull
 * request closed without merging drops its own findings and our comment state.
 */
export function createCommentEventHandlers(ctx: Ctx, withTools?: WithCommentTools): WebhookEventHandlers {
  const openTools = withTools ?? connectionCommentTools(ctx);
  const triageByReply = async (event: PullRequestCommentEvent, context: WebhookEventContext) => {
    const command = parseReplyCommand(event.comment.body);
    if (!command || !event.inReplyTo || context.connectionId === null) return;
    const repository = await repositoryOf(ctx, context, event.repository);
    if (!repository) return;
    const scope: PullRequestScope = {
      accountId: context.accountId,
      repositoryId: repository.id,
      pullRequestNumber: event.pullRequest,
    };
    const ours = await findRepliedComment(ctx.db, scope, event.inReplyTo);
    if (!ours?.ref || ours.findingId === null) return;
    const ref = ours.ref;
    const findingId = ours.findingId;
    await openTools({ accountId: context.accountId, connectionId: context.connectionId }, async (tools) => {
      const commenter = tools.comments;
      if (!commenter) return;
      const identity = await commenter.identity();
      if (identity.id === event.author.externalId) return;
      const pr = {
        repository: { externalId: repository.external_id, fullName: repository.full_name },
        number: event.pullRequest,
      };
      const user = { id: event.author.externalId, login: event.author.login };
      let allowed: boolean;
      try {
        allowed = await commenter.canWrite(pr.repository, user);
      } catch (error) {
        // Asking again will not help (the credential cannot see permissions): say so where the person asked.
        if (!(error instanceof ScmError) || error.retryable) throw error;
        await commenter.replyToComment(
          pr,
          ref,
          `scm-connect cannot check who may write to this repository, so it cannot triage by reply: ` +
            `${escapeText(error.message, 500)}${error.fix ? ` ${escapeText(error.fix, 500)}` : ''} Nothing changed.`,
        );
        return;
      }
      if (!allowed) {
        await commenter.replyToComment(
          pr,
          ref,
          `${escapeText(user.login, 100)} cannot triage this finding: only people with write access to the ` +
            'repository can. Nothing changed.',
        );
        return;
      }
      const changed = await applyCommand(ctx, scope, findingId, command, {
        kind: 'pull-request-comment',
        login: user.login,
        pullRequest: event.pullRequest,
        ...(ours.webUrl ? { url: ours.webUrl } : {}),
      });
      await commenter.replyToComment(pr, ref, confirmation(command, user.login, changed));
      if (changed) await requeueReconcile(ctx, scope, context.deliveryId);
    });
  };

  return {
    'pull-request.comment': triageByReply,
    'pull-request.closed': async (event, context) => {
      if (event.merged) return;
      const repository = await repositoryOf(ctx, context, event.repository);
      if (!repository) return;
      await dropPullRequest(ctx.db, {
        accountId: context.accountId,
        repositoryId: repository.id,
        pullRequestNumber: event.pullRequest,
      });
    },
  };
}

/** Applies the command; false when the finding already is in that state (a delivery handled again). */
async function applyCommand(
  ctx: Ctx,
  scope: PullRequestScope,
  findingId: string,
  command: ReplyCommand,
  via: Parameters<typeof triageFinding>[1]['via'],
): Promise<boolean> {
  const finding = await ctx.db
    .selectFrom('findings')
    .select(['ignored_reason', 'ignored_note'])
    .where('account_id', '=', scope.accountId)
    .where('id', '=', findingId)
    .executeTakeFirst();
  if (!finding) return false;
  if (command.action === 'reopen' && finding.ignored_reason === null) return false;
  if (
    command.action === 'ignore' &&
    finding.ignored_reason === command.reason &&
    (finding.ignored_note ?? '') === command.note
  ) {
    return true;
  }
  try {
    return await triageFinding(ctx.db, {
      accountId: scope.accountId,
      findingId,
      userId: null,
      action:
        command.action === 'ignore'
          ? { action: 'ignore', reason: command.reason, note: command.note }
          : { action: 'reopen', note: command.note },
      via,
    });
  } catch (error) {
    if (error instanceof AppError && error.status === 409) return false;
    throw error;
  }
}

/** The summary and the status follow the triage: the pull request's newest scan is reconciled again. */
async function requeueReconcile(ctx: Ctx, scope: PullRequestScope, deliveryId: string): Promise<void> {
  const newest = await newestPullRequestScan(ctx.db, scope);
  if (!newest) return;
  await enqueueJob(ctx.db, {
    accountId: scope.accountId,
    kind: commentsReconcileJobKind,
    payload: { scanId: newest.id, connectionId: newest.connection_id },
    idempotencyKey: `${commentsReconcileJobKind}:${newest.id}:${deliveryId}`,
  });
}
