import type { ScmComment } from '../provider.js';
import type { BbdcActivity, BbdcAnchor, BbdcComment } from './schemas.js';

/** A thread's root comment as the activities name it, with the anchor of an inline one. */
export interface BbdcThreadRoot {
  readonly comment: BbdcComment;
  readonly anchor: BbdcAnchor | undefined;
}

/** Every reply below `comment`, at any depth. */
export const replyCountOf = (comment: BbdcComment): number =>
  comment.comments.reduce((sum, reply) => sum + 1 + replyCountOf(reply), 0);

function collectReplyIds(comment: BbdcComment, into: Set<string>): void {
  for (const reply of comment.comments) {
    into.add(reply.id);
    collectReplyIds(reply, into);
  }
}

/**
 * The thread roots among a pull request's activities, oldest first. Activities come newest first and one comment
 * may appear in several (added, edited, replied to): each is kept once, in its latest form; a comment that is
 * nested as a reply under another is not a root; deleted comments are left out.
 */
export function threadRoots(activities: readonly BbdcActivity[]): BbdcThreadRoot[] {
  const roots = new Map<string, BbdcThreadRoot>();
  const deleted = new Set<string>();
  const replies = new Set<string>();
  for (const activity of activities) {
    const { comment } = activity;
    if (activity.action !== 'COMMENTED' || !comment) continue;
    if (activity.commentAction === 'DELETED') {
      deleted.add(comment.id);
      continue;
    }
    collectReplyIds(comment, replies);
    if (roots.has(comment.id)) continue;
    roots.set(comment.id, { comment, anchor: comment.anchor ?? activity.commentAnchor ?? undefined });
  }
  return [...roots.values()]
    .filter(({ comment }) => !replies.has(comment.id) && !deleted.has(comment.id))
    .sort(
      (a, b) =>
        (a.comment.createdDate ?? 0) - (b.comment.createdDate ?? 0) ||
        Number(a.comment.id) - Number(b.comment.id),
    );
}

/** Whether a root is an inline comment: anchored on a line (an anchor without one is a file comment). */
export const isInline = (root: BbdcThreadRoot): boolean =>
  root.anchor !== undefined && typeof root.anchor.line === 'number';

/** The contract's view of a Data Center comment; `webUrl` is the pull request's page focused on it. */
export function toScmComment(
  comment: BbdcComment,
  anchor: BbdcAnchor | undefined,
  pullRequestUrl: string,
): ScmComment {
  const line = anchor?.line;
  return {
    id: comment.id,
    version: comment.version,
    body: comment.text,
    author: { id: comment.author.id, login: comment.author.name },
    ...(anchor && typeof line === 'number'
      ? { position: { path: anchor.path, line, commitSha: anchor.toHash ?? '' } }
      : {}),
    webUrl: `${pullRequestUrl}/overview?commentId=${comment.id}`,
    replyCount: replyCountOf(comment),
    resolved: comment.threadResolved === true,
  };
}
