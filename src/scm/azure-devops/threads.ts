import { ScmError } from '../errors.js';
import type { InlinePosition, PullRequestRef, ScmComment, ScmCommentRef } from '../provider.js';
import type { AdoComment, AdoThread } from './schemas.js';

/*
 * Pull request threads as comments. A thread holds its first comment and the replies; comment ids start at 1 in
 * every thread, so a comment is named `{threadId}.{commentId}` (and carries `threadId`). Threads whose comments
 * are of type `system` (votes, pushes, status changes) are not comments; a deleted comment stays in its thread
 * with `isDeleted`.
 */

/** `CommentThreadStatus` in enum order: the service answers with the names and takes the numbers too. */
const statusNames = ['unknown', 'active', 'fixed', 'wontFix', 'closed', 'byDesign', 'pending'] as const;
export const threadStatus = { active: 1, fixed: 2 } as const;
/** `CommentType.text`. */
export const textComment = 1;

const nameOf = (value: string | number | null | undefined, names: readonly string[]): string =>
  (typeof value === 'number' ? (names[value] ?? 'unknown') : (value ?? 'unknown')).toLowerCase();

/** Fixed, won't fix, closed and by design are resolved; active, pending (and unknown) are not. */
export const isResolved = (thread: AdoThread): boolean =>
  ['fixed', 'wontfix', 'closed', 'bydesign'].includes(nameOf(thread.status, statusNames));

const isSystem = (comment: AdoComment) =>
  nameOf(comment.commentType, ['unknown', 'text', 'codeChange', 'system']) === 'system';

/** A person's comment that is still there. */
const isLive = (comment: AdoComment) => !isSystem(comment) && comment.isDeleted !== true;

export const commentIdOf = (threadId: number, commentId: number) => `${threadId}.${commentId}`;

/** The thread and comment of a reference: `{threadId}.{commentId}`, or a comment id with its `threadId`. */
export function parseCommentRef(ref: ScmCommentRef): { threadId: number; commentId: number } {
  const composite = /^(\d{1,9})\.(\d{1,9})$/.exec(ref.id);
  if (composite) return { threadId: Number(composite[1]), commentId: Number(composite[2]) };
  if (/^\d{1,9}$/.test(ref.id) && ref.threadId !== undefined && /^\d{1,9}$/.test(ref.threadId)) {
    return { threadId: Number(ref.threadId), commentId: Number(ref.id) };
  }
  throw new ScmError(
    'invalid',
    'An Azure DevOps comment is named `{threadId}.{commentId}`, or by its comment id with its thread id.',
    { code: 'invalid_comment_id' },
  );
}

/** The pull request's page focused on a thread. */
export function threadWebUrl(webRoot: string, pr: PullRequestRef, threadId: number): string {
  const [org, project, repo] = pr.repository.fullName.split('/').map(encodeURIComponent);
  return `${webRoot}/${org}/${project}/_git/${repo}/pullrequest/${pr.number}?discussionId=${threadId}`;
}

/** One comment of a thread as the contract names it. */
export function toScmComment(
  webRoot: string,
  pr: PullRequestRef,
  threadId: number,
  comment: AdoComment,
): ScmComment {
  const author = comment.author;
  return {
    id: commentIdOf(threadId, comment.id),
    threadId: String(threadId),
    body: comment.content ?? '',
    author: author
      ? { id: author.id, login: author.uniqueName || author.displayName || author.id }
      : { id: '', login: '' },
    webUrl: threadWebUrl(webRoot, pr, threadId),
  };
}

/** Where an inline thread sits on the new side; `commitOf` names the commit of an iteration (latest when absent). */
export function positionOf(
  thread: AdoThread,
  commitOf: (iteration: number | undefined) => string,
): InlinePosition | undefined {
  const context = thread.threadContext;
  if (!context?.filePath || !context.rightFileStart) return undefined;
  const start = context.rightFileStart.line;
  const end = Math.max(context.rightFileEnd?.line ?? start, start);
  return {
    path: context.filePath.replace(/^\/+/, ''),
    line: end,
    ...(start < end ? { startLine: start } : {}),
    commitSha: commitOf(
      thread.pullRequestThreadContext?.iterationContext?.secondComparingIteration ?? undefined,
    ),
  };
}

export const isInline = (thread: AdoThread): boolean => Boolean(thread.threadContext?.filePath);

/**
 * The root of each person's thread of the given kind, oldest first, with its live replies counted and whether
 * the thread is resolved. Threads of system comments and threads whose first comment was deleted are left out.
 */
export function threadRoots(
  threads: readonly AdoThread[],
  kind: 'summary' | 'inline',
  toComment: (thread: AdoThread, root: AdoComment) => ScmComment,
): ScmComment[] {
  const roots: ScmComment[] = [];
  for (const thread of [...threads].sort((a, b) => a.id - b.id)) {
    if (thread.isDeleted === true || isInline(thread) !== (kind === 'inline')) continue;
    const comments = [...(thread.comments ?? [])].sort((a, b) => a.id - b.id);
    const root = comments.find((c) => !c.parentCommentId) ?? comments[0];
    if (!root || !isLive(root)) continue;
    const replyCount = comments.filter((c) => c !== root && isLive(c)).length;
    roots.push({ ...toComment(thread, root), replyCount, resolved: isResolved(thread) });
  }
  return roots;
}
