import type { ApiContext, createApi } from './api.js';
import { notFound, validationFailed } from './errors.js';
import type { RepoEvents } from './repo-events.js';
import { addLineComment, addReply } from './review-comments.js';
import { checkBody, jsonBody, MAX_BODY, pullOf, type Body } from './route-helpers.js';
import { reviewCommentCreated } from './webhook-payloads.js';
import type { GitHubState, PullRecord, RepoRecord, ReviewCommentRecord } from './state.js';
import { iso } from './state.js';

type Api = ReturnType<typeof createApi>;

/** Inline review comments (only on lines of the diff) and reviews. */
export function registerReviewRoutes(api: Api, state: GitHubState, events: RepoEvents): void {
  // GET /repos/{owner}/{repo}/pulls/{pull_number}/comments
  api.route('GET', '/repos/:owner/:repo/pulls/:number/comments', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const pull = pullOf(state, repo, req.params.number!);
    const comments = [...state.reviewComments.values()]
      .filter((c) => c.repoId === repo.id && c.number === pull.number)
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(comments);
    return { headers: page.headers, body: page.items.map((c) => ctx.shapes.reviewComment(repo, c)) };
  });

  const sendCreated = (ctx: ApiContext, repo: RepoRecord, pull: PullRecord, comment: ReviewCommentRecord) =>
    events.send(
      repo,
      'pull_request_review_comment',
      state.users.get(comment.authorId)!,
      reviewCommentCreated(ctx.shapes, repo, pull, comment),
    );

  function addReviewComment(
    ctx: ApiContext,
    repo: RepoRecord,
    pull: PullRecord,
    input: Body,
    reviewId: number,
    commitId: string,
  ): ReviewCommentRecord {
    if (input.in_reply_to !== undefined) {
      return addReply(state, repo, pull, Number(input.in_reply_to), ctx.authorId(), input.body, reviewId);
    }
    return addLineComment(state, repo, pull, input, ctx.authorId(), reviewId, commitId);
  }

  const commitOf = (repo: RepoRecord, pull: PullRecord, value: unknown): string => {
    if (value === undefined) return pull.headSha;
    if (typeof value !== 'string' || !state.git(repo).commits.has(value)) {
      throw validationFailed([{ resource: 'PullRequestReviewComment', code: 'invalid', field: 'commit_id' }]);
    }
    return value;
  };

  // POST /repos/{owner}/{repo}/pulls/{pull_number}/comments
  api.route(
    'POST',
    '/repos/:owner/:repo/pulls/:number/comments',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['pull_requests', 'write']);
      const pull = pullOf(state, repo, req.params.number!);
      const body = jsonBody(req);
      const commitId = commitOf(repo, pull, body.commit_id);
      const reviewId = state.newId();
      const comment = addReviewComment(ctx, repo, pull, body, reviewId, commitId);
      state.reviews.set(reviewId, {
        id: reviewId,
        repoId: repo.id,
        number: pull.number,
        authorId: comment.authorId,
        body: '',
        state: 'COMMENTED',
        commitId,
        submittedAt: comment.createdAt,
      });
      sendCreated(ctx, repo, pull, comment);
      return { status: 201, body: ctx.shapes.reviewComment(repo, comment) };
    },
    true,
  );

  const reviewCommentOf = (repo: RepoRecord, id: string) => {
    const comment = state.reviewComments.get(Number(id));
    if (!comment || comment.repoId !== repo.id) throw notFound();
    return comment;
  };

  // PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}
  api.route('PATCH', '/repos/:owner/:repo/pulls/comments/:id', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(['pull_requests', 'write']);
    const comment = reviewCommentOf(repo, req.params.id!);
    comment.body = checkBody(jsonBody(req).body, 'PullRequestReviewComment');
    comment.updatedAt = iso(state.now());
    return { body: ctx.shapes.reviewComment(repo, comment) };
  });

  // DELETE /repos/{owner}/{repo}/pulls/comments/{comment_id}
  api.route('DELETE', '/repos/:owner/:repo/pulls/comments/:id', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(['pull_requests', 'write']);
    const comment = reviewCommentOf(repo, req.params.id!);
    state.reviewComments.delete(comment.id);
    // A thread whose first comment is deleted goes with it when it has no replies left.
    if (comment.inReplyTo === undefined) state.resolvedThreads.delete(comment.id);
    return { status: 204 };
  });

  // POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies
  api.route(
    'POST',
    '/repos/:owner/:repo/pulls/:number/comments/:id/replies',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['pull_requests', 'write']);
      const pull = pullOf(state, repo, req.params.number!);
      const reviewId = state.newId();
      const reply = addReply(
        state,
        repo,
        pull,
        Number(req.params.id),
        ctx.authorId(),
        jsonBody(req).body,
        reviewId,
      );
      state.reviews.set(reviewId, {
        id: reviewId,
        repoId: repo.id,
        number: pull.number,
        authorId: reply.authorId,
        body: '',
        state: 'COMMENTED',
        commitId: reply.commitId,
        submittedAt: reply.createdAt,
      });
      sendCreated(ctx, repo, pull, reply);
      return { status: 201, body: ctx.shapes.reviewComment(repo, reply) };
    },
    true,
  );

  // GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments
  api.route('GET', '/repos/:owner/:repo/pulls/:number/reviews/:review/comments', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const pull = pullOf(state, repo, req.params.number!);
    const review = state.reviews.get(Number(req.params.review));
    if (!review || review.repoId !== repo.id || review.number !== pull.number) {
      throw notFound('https://docs.github.com/rest/pulls/reviews#list-comments-for-a-pull-request-review');
    }
    const comments = [...state.reviewComments.values()]
      .filter((c) => c.reviewId === review.id)
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(comments);
    return { headers: page.headers, body: page.items.map((c) => ctx.shapes.reviewComment(repo, c)) };
  });

  // GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews
  api.route('GET', '/repos/:owner/:repo/pulls/:number/reviews', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const pull = pullOf(state, repo, req.params.number!);
    const reviews = [...state.reviews.values()]
      .filter((r) => r.repoId === repo.id && r.number === pull.number)
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(reviews);
    return { headers: page.headers, body: page.items.map((r) => ctx.shapes.review(repo, r)) };
  });

  // POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews
  api.route(
    'POST',
    '/repos/:owner/:repo/pulls/:number/reviews',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['pull_requests', 'write']);
      const pull = pullOf(state, repo, req.params.number!);
      const body = jsonBody(req);
      const commitId = commitOf(repo, pull, body.commit_id);
      const event = body.event;
      const reviewState =
        event === 'APPROVE'
          ? 'APPROVED'
          : event === 'REQUEST_CHANGES'
            ? 'CHANGES_REQUESTED'
            : event === 'COMMENT'
              ? 'COMMENTED'
              : 'PENDING';
      const text = typeof body.body === 'string' ? body.body : '';
      if (
        (reviewState === 'COMMENTED' || reviewState === 'CHANGES_REQUESTED') &&
        text === '' &&
        !Array.isArray(body.comments)
      ) {
        throw validationFailed(
          [{ resource: 'PullRequestReview', code: 'missing_field', field: 'body' }],
          'Unprocessable Entity',
        );
      }
      if (text.length > MAX_BODY) checkBody(text, 'PullRequestReview');
      const reviewId = state.newId();
      const comments = Array.isArray(body.comments) ? body.comments : [];
      const created: ReviewCommentRecord[] = [];
      try {
        for (const c of comments) {
          if (typeof c !== 'object' || c === null)
            throw validationFailed([{ resource: 'PullRequestReview', code: 'invalid', field: 'comments' }]);
          created.push(addReviewComment(ctx, repo, pull, c as Body, reviewId, commitId));
        }
      } catch (error) {
        for (const c of created) state.reviewComments.delete(c.id);
        throw error;
      }
      const review = {
        id: reviewId,
        repoId: repo.id,
        number: pull.number,
        authorId: ctx.authorId(),
        body: text,
        state: reviewState,
        commitId,
        submittedAt: iso(state.now()),
      } as const;
      state.reviews.set(reviewId, review);
      for (const comment of created) sendCreated(ctx, repo, pull, comment);
      return { body: ctx.shapes.review(repo, review) };
    },
    true,
  );
}
