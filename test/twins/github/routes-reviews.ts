import type { ApiContext, createApi } from './api.js';
import { diffLines } from './diff-lines.js';
import { notFound, validationFailed } from './errors.js';
import { checkBody, jsonBody, MAX_BODY, pullOf, type Body } from './route-helpers.js';
import type { GitHubState, PullRecord, RepoRecord, ReviewCommentRecord } from './state.js';
import { iso } from './state.js';

type Api = ReturnType<typeof createApi>;

/** Inline review comments (only on lines of the diff) and reviews. */
export function registerReviewRoutes(api: Api, state: GitHubState): void {
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

  function addReviewComment(
    ctx: ApiContext,
    repo: RepoRecord,
    pull: PullRecord,
    input: Body,
    reviewId: number,
    commitId: string,
  ): ReviewCommentRecord {
    const now = iso(state.now());
    const text = checkBody(input.body, 'PullRequestReviewComment');
    if (input.in_reply_to !== undefined) {
      const parent = state.reviewComments.get(Number(input.in_reply_to));
      if (!parent || parent.repoId !== repo.id || parent.number !== pull.number) throw notFound();
      const reply: ReviewCommentRecord = {
        ...parent,
        id: state.newId(),
        reviewId,
        authorId: ctx.authorId(),
        body: text,
        inReplyTo: parent.id,
        createdAt: now,
        updatedAt: now,
      };
      state.reviewComments.set(reply.id, reply);
      return reply;
    }
    const path = input.path;
    const file = typeof path === 'string' ? pull.files.find((f) => f.filename === path) : undefined;
    if (!file || typeof path !== 'string') {
      throw validationFailed(
        [
          {
            resource: 'PullRequestReviewComment',
            code: 'custom',
            field: 'pull_request_review_thread.path',
            message: 'could not be resolved',
          },
        ],
        'Unprocessable Entity',
      );
    }
    const subjectType = input.subject_type === 'file' ? 'file' : 'line';
    const side = input.side === 'LEFT' ? 'LEFT' : 'RIGHT';
    const line = typeof input.line === 'number' ? input.line : null;
    const startLine = typeof input.start_line === 'number' ? input.start_line : null;
    const startSide = input.start_side === 'LEFT' ? 'LEFT' : startLine !== null ? 'RIGHT' : null;
    if (subjectType === 'line') {
      const lines = diffLines(file.patch);
      const valid = (n: number | null, s: 'LEFT' | 'RIGHT' | null) =>
        n !== null && (s === 'LEFT' ? lines.left : lines.right).has(n);
      if (
        !valid(line, side) ||
        (startLine !== null && (!valid(startLine, startSide) || startLine >= line!))
      ) {
        throw validationFailed(
          [
            {
              resource: 'PullRequestReviewComment',
              code: 'custom',
              field: 'pull_request_review_thread.line',
              message: 'could not be resolved',
            },
          ],
          'Unprocessable Entity',
        );
      }
    }
    const comment: ReviewCommentRecord = {
      id: state.newId(),
      repoId: repo.id,
      number: pull.number,
      reviewId,
      authorId: ctx.authorId(),
      body: text,
      path,
      line: subjectType === 'file' ? null : line,
      side,
      startLine,
      startSide,
      subjectType,
      commitId,
      inReplyTo: undefined,
      createdAt: now,
      updatedAt: now,
    };
    state.reviewComments.set(comment.id, comment);
    return comment;
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
    state.reviewComments.delete(reviewCommentOf(repo, req.params.id!).id);
    return { status: 204 };
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
      return { body: ctx.shapes.review(repo, review) };
    },
    true,
  );
}
