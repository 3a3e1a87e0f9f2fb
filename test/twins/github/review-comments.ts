import { diffLines, diffPosition } from './diff-lines.js';
import { notFound, validationFailed } from './errors.js';
import { checkBody, type Body } from './route-helpers.js';
import type { GitHubState, PullRecord, RepoRecord, ReviewCommentRecord } from './state.js';
import { iso } from './state.js';

/*
 * Review comments as GitHub keeps them ("Create a review comment for a pull request", "Create a reply for a
 * review comment"): on a line (or range) of the diff's RIGHT or LEFT side, or replies in a thread. A reply always
 * joins the thread of the first comment (GitHub has no replies to replies).
 */

const unresolved = (field: string) =>
  validationFailed(
    [{ resource: 'PullRequestReviewComment', code: 'custom', field, message: 'could not be resolved' }],
    'Unprocessable Entity',
  );

/** A reply by `authorId` in the thread of `parentId`; 404 when that comment is not on this pull request. */
export function addReply(
  state: GitHubState,
  repo: RepoRecord,
  pull: PullRecord,
  parentId: number,
  authorId: number,
  body: unknown,
  reviewId: number,
): ReviewCommentRecord {
  const text = checkBody(body, 'PullRequestReviewComment');
  const parent = state.reviewComments.get(parentId);
  if (!parent || parent.repoId !== repo.id || parent.number !== pull.number) {
    throw notFound('https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment');
  }
  const now = iso(state.now());
  const reply: ReviewCommentRecord = {
    ...parent,
    id: state.newId(),
    reviewId,
    authorId,
    body: text,
    inReplyTo: parent.inReplyTo ?? parent.id,
    createdAt: now,
    updatedAt: now,
  };
  state.reviewComments.set(reply.id, reply);
  return reply;
}

/** A new thread's first comment, validated against the pull request's current diff as GitHub does. */
export function addLineComment(
  state: GitHubState,
  repo: RepoRecord,
  pull: PullRecord,
  input: Body,
  authorId: number,
  reviewId: number,
  commitId: string,
): ReviewCommentRecord {
  const text = checkBody(input.body, 'PullRequestReviewComment');
  const path = input.path;
  const file = typeof path === 'string' ? pull.files.find((f) => f.filename === path) : undefined;
  if (!file || typeof path !== 'string') throw unresolved('pull_request_review_thread.path');
  const subjectType = input.subject_type === 'file' ? 'file' : 'line';
  const side = input.side === 'LEFT' ? 'LEFT' : 'RIGHT';
  const line = typeof input.line === 'number' ? input.line : null;
  const startLine = typeof input.start_line === 'number' ? input.start_line : null;
  const startSide = input.start_side === 'LEFT' ? 'LEFT' : startLine !== null ? 'RIGHT' : null;
  if (subjectType === 'line') {
    const lines = diffLines(file.patch);
    const valid = (n: number | null, s: 'LEFT' | 'RIGHT' | null) =>
      n !== null && (s === 'LEFT' ? lines.left : lines.right).has(n);
    if (!valid(line, side)) throw unresolved('pull_request_review_thread.line');
    if (startLine !== null && (!valid(startLine, startSide) || startLine >= line!)) {
      throw unresolved('pull_request_review_thread.start_line');
    }
  }
  const now = iso(state.now());
  const comment: ReviewCommentRecord = {
    id: state.newId(),
    repoId: repo.id,
    number: pull.number,
    reviewId,
    authorId,
    body: text,
    path,
    line: subjectType === 'file' ? null : line,
    side,
    startLine,
    startSide,
    subjectType,
    commitId,
    originalPosition: (line === null ? null : diffPosition(file.patch, line, side)) ?? 1,
    inReplyTo: undefined,
    createdAt: now,
    updatedAt: now,
  };
  state.reviewComments.set(comment.id, comment);
  return comment;
}
