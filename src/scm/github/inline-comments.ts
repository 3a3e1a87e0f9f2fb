import { isScmError } from '../errors.js';
import type { NewInlineComment, PullRequestRef, ScmComment } from '../provider.js';
import { checkBody, notInDiff, toInline } from './comment-shapes.js';
import { onInstallation, pagesOf, type GitHubContext } from './provider-context.js';
import { githubPageSize } from './repos.js';
import { listReviewThreads } from './review-threads.js';
import { idOf, ownerAndRepo, parseGitHub, reviewSchema } from './schemas.js';

/*
 * Review comments: on lines of the diff, in review threads. Many are posted as ONE review (`event: COMMENT`), which
 * GitHub refuses whole (422) when one of its comments is off the diff.
 */

const target = (pr: PullRequestRef) => ({ ...ownerAndRepo(pr.repository.fullName), pull_number: pr.number });

/** Every review comment of the pull request, oldest first. */
async function* allReviewComments(context: GitHubContext, pr: PullRequestRef): AsyncGenerator<ScmComment> {
  // GET /repos/{owner}/{repo}/pulls/{pull_number}/comments?per_page=100
  const pages = context
    .octokit()
    .paginate.iterator('GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', {
      ...target(pr),
      per_page: githubPageSize,
    });
  for await (const item of pagesOf<unknown>(context, 'list the inline comments', pages)) yield toInline(item);
}

/**
 * The first comment of each review thread, with the number of replies after it and whether the thread is
 * resolved (one GraphQL read of the threads per listing, 100 threads a query).
 */
export async function* listThreadRoots(
  context: GitHubContext,
  pr: PullRequestRef,
): AsyncGenerator<ScmComment> {
  const roots: ScmComment[] = [];
  const replies = new Map<string, number>();
  for await (const comment of allReviewComments(context, pr)) {
    if (comment.threadId === comment.id) roots.push(comment);
    else replies.set(comment.threadId!, (replies.get(comment.threadId!) ?? 0) + 1);
  }
  if (roots.length === 0) return;
  const resolved = new Map(
    (await listReviewThreads(context, pr)).map((thread) => [thread.rootCommentId, thread.resolved]),
  );
  for (const root of roots) {
    yield { ...root, replyCount: replies.get(root.id) ?? 0, resolved: resolved.get(root.id) ?? false };
  }
}

/** One review carrying every comment; resolves with the created comments in the order given. */
export async function createReview(
  context: GitHubContext,
  pr: PullRequestRef,
  comments: readonly NewInlineComment[],
): Promise<ScmComment[]> {
  if (comments.length === 0) return [];
  for (const comment of comments) checkBody(comment.body);
  const [first] = comments;
  const commitSha = first!.position.commitSha;
  const positions = comments.map((c) => c.position);
  let reviewId: string;
  try {
    // POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews
    const answer = await onInstallation(context, 'comment on lines of the pull request', () =>
      context.octokit().request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
        ...target(pr),
        commit_id: commitSha,
        event: 'COMMENT',
        comments: comments.map(({ position, body }) => ({
          path: position.path,
          line: position.line,
          side: 'RIGHT',
          ...(position.startLine !== undefined && position.startLine < position.line
            ? { start_line: position.startLine, start_side: 'RIGHT' }
            : {}),
          body,
        })),
      }),
    );
    reviewId = idOf(parseGitHub(reviewSchema, answer.data, 'review').id, 'review');
  } catch (error) {
    if (isScmError(error) && error.status === 422) throw notInDiff(positions);
    throw error;
  }
  // GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments?per_page=100
  const pages = context
    .octokit()
    .paginate.iterator(`GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/${reviewId}/comments`, {
      ...target(pr),
      per_page: githubPageSize,
    });
  const created: ScmComment[] = [];
  for await (const item of pagesOf<unknown>(context, 'read the comments of the review', pages)) {
    created.push(toInline(item));
  }
  // GitHub lists a review's comments by id, in the order they were created: the order given.
  return created.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** A reply in the review thread of `threadId` (its first comment). */
export async function replyInThread(
  context: GitHubContext,
  pr: PullRequestRef,
  threadId: string,
  body: string,
): Promise<ScmComment> {
  checkBody(body);
  // POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies
  const answer = await onInstallation(context, 'reply in the review thread', () =>
    context.octokit().request(`POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/${threadId}/replies`, {
      ...target(pr),
      body,
    }),
  );
  return toInline(answer.data);
}
