import { ScmError } from '../errors.js';
import type { InlinePosition, ScmComment, ScmCommentRef } from '../provider.js';
import { integerIdPattern } from './app-credentials.js';
import { maxCommentLength } from './comment-format.js';
import { idOf, issueCommentSchema, parseGitHub, reviewCommentSchema } from './schemas.js';

/*
 * GitHub's comments as the contract has them. A review comment's ref carries `threadId` (the first comment of its
 * review thread), an issue comment's does not: that is how an edit, a delete or a reply finds the right endpoint.
 */

/** An account GitHub no longer has is shown as `ghost`, with no user record. */
const ghost = { id: '', login: 'ghost' } as const;

export function checkBody(body: string): void {
  if (body.length <= maxCommentLength) return;
  throw new ScmError('invalid', `The comment has ${body.length} characters; GitHub takes at most 65,536.`, {
    code: 'comment_too_long',
    fix: 'Shorten the comment (e.g. list fewer findings and link to the rest).',
  });
}

export function commentId(ref: ScmCommentRef): string {
  if (integerIdPattern.test(ref.id)) return ref.id;
  throw new ScmError('invalid', 'A GitHub comment id is a positive integer.', { code: 'invalid_comment_id' });
}

const authorOf = (user: { id: unknown; login: string } | null) =>
  user === null ? ghost : { id: idOf(user.id, 'comment author'), login: user.login };

export function toSummary(value: unknown): ScmComment {
  const comment = parseGitHub(issueCommentSchema, value, 'issue comment');
  return {
    id: idOf(comment.id, 'comment'),
    body: comment.body ?? '',
    author: authorOf(comment.user),
    ...(comment.html_url ? { webUrl: comment.html_url } : {}),
  };
}

export function toInline(value: unknown): ScmComment {
  const comment = parseGitHub(reviewCommentSchema, value, 'review comment');
  const id = idOf(comment.id, 'comment');
  // An outdated comment has no current line; it keeps the line and commit it was made on.
  const line = comment.line ?? comment.original_line ?? null;
  const commitSha =
    comment.line != null ? comment.commit_id : (comment.original_commit_id ?? comment.commit_id);
  const startLine = comment.start_line ?? null;
  const position: InlinePosition | undefined =
    line === null
      ? undefined
      : {
          path: comment.path,
          line,
          ...(startLine !== null && startLine < line ? { startLine } : {}),
          commitSha,
        };
  return {
    id,
    threadId: comment.in_reply_to_id === undefined ? id : idOf(comment.in_reply_to_id, 'comment'),
    body: comment.body ?? '',
    author: authorOf(comment.user),
    ...(position ? { position } : {}),
    ...(comment.html_url ? { webUrl: comment.html_url } : {}),
  };
}

/** GitHub's 422 to a review comment: a line (or the commit) is not part of the pull request's diff. */
export function notInDiff(positions: readonly InlinePosition[]): ScmError {
  const [first] = positions;
  const where =
    positions.length === 1 && first
      ? `an inline comment on \`${first.path.slice(0, 200)}\` line ${first.line}: the line is not part of the pull request's diff at ${first.commitSha.slice(0, 12)}`
      : `a review of ${positions.length} inline comments: a line is not part of the pull request's diff`;
  return new ScmError('invalid', `GitHub refused ${where}.`, {
    code: 'line_not_in_diff',
    status: 422,
    fix: 'Mention the finding in the summary comment instead.',
  });
}
