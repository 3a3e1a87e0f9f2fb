import { isScmError, ScmError } from '../errors.js';
import type { PullRequestCommenter, PullRequestRef, ScmComment } from '../provider.js';
import { setCheckRun } from './check-runs.js';
import { userCanWrite } from './collaborator-permission.js';
import { githubCommentFormat } from './comment-format.js';
import { checkBody, commentId, notInDiff, toInline, toSummary } from './comment-shapes.js';
import { createReview, listThreadRoots, replyInThread } from './inline-comments.js';
import { onInstallation, pagesOf, type GitHubContext } from './provider-context.js';
import { readPullRequestDiff } from './pull-request-diff.js';
import { githubPageSize } from './repos.js';
import { setThreadResolved } from './review-threads.js';
import { ownerAndRepo } from './schemas.js';

/*
 * Pull request comments: summary comments are issue comments of the pull request; inline comments are review
 * comments on lines of the diff, in review threads (resolved through GraphQL); the status is a check run.
 */

export { maxCommentLength } from './comment-format.js';

/** Every method, inline ones included. */
export function createGitHubCommenter(context: GitHubContext): Required<PullRequestCommenter> {
  const target = (pr: PullRequestRef) => ({ ...ownerAndRepo(pr.repository.fullName), number: pr.number });
  const call = <T>(what: string, run: () => Promise<T>) => onInstallation(context, what, run);

  const createComment = async (pr: PullRequestRef, body: string): Promise<ScmComment> => {
    checkBody(body);
    const { owner, repo, number } = target(pr);
    // POST /repos/{owner}/{repo}/issues/{issue_number}/comments
    const answer = await call('comment on the pull request', () =>
      context.octokit().request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo,
        issue_number: number,
        body,
      }),
    );
    return toSummary(answer.data);
  };

  return {
    format: githubCommentFormat,

    identity: () => context.botIdentity(),

    async *listComments(pr) {
      const { owner, repo, number } = target(pr);
      // GET /repos/{owner}/{repo}/issues/{issue_number}/comments?per_page=100
      const pages = context
        .octokit()
        .paginate.iterator('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          owner,
          repo,
          issue_number: number,
          per_page: githubPageSize,
        });
      for await (const item of pagesOf<unknown>(context, 'list the pull request comments', pages)) {
        yield toSummary(item);
      }
    },

    createComment,

    async updateComment(pr, ref, body) {
      checkBody(body);
      const { owner, repo } = target(pr);
      const id = commentId(ref);
      if (ref.threadId !== undefined) {
        // PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}
        const answer = await call('edit the inline comment', () =>
          context
            .octokit()
            .request(`PATCH /repos/{owner}/{repo}/pulls/comments/${id}`, { owner, repo, body }),
        );
        return toInline(answer.data);
      }
      // PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
      const answer = await call('edit the pull request comment', () =>
        context.octokit().request(`PATCH /repos/{owner}/{repo}/issues/comments/${id}`, { owner, repo, body }),
      );
      return toSummary(answer.data);
    },

    async deleteComment(pr, ref) {
      const { owner, repo } = target(pr);
      const id = commentId(ref);
      const kind = ref.threadId === undefined ? 'issues' : 'pulls';
      try {
        // DELETE /repos/{owner}/{repo}/issues/comments/{comment_id} (or …/pulls/comments/{comment_id})
        await call('delete the comment', () =>
          context.octokit().request(`DELETE /repos/{owner}/{repo}/${kind}/comments/${id}`, { owner, repo }),
        );
      } catch (error) {
        if (isScmError(error) && error.status === 404) return;
        throw error;
      }
    },

    listInlineComments: (pr) => listThreadRoots(context, pr),

    async createInlineComment(pr, position, body) {
      checkBody(body);
      const { owner, repo, number } = target(pr);
      const range =
        position.startLine !== undefined && position.startLine < position.line
          ? { start_line: position.startLine, start_side: 'RIGHT' as const }
          : {};
      try {
        // POST /repos/{owner}/{repo}/pulls/{pull_number}/comments
        const answer = await call('comment on a line of the pull request', () =>
          context.octokit().request('POST /repos/{owner}/{repo}/pulls/{pull_number}/comments', {
            owner,
            repo,
            pull_number: number,
            body,
            commit_id: position.commitSha,
            path: position.path,
            line: position.line,
            side: 'RIGHT',
            ...range,
          }),
        );
        return toInline(answer.data);
      } catch (error) {
        if (isScmError(error) && error.status === 422) throw notInDiff([position]);
        throw error;
      }
    },

    createInlineComments: (pr, comments) => createReview(context, pr, comments),

    pullRequestDiff: (pr) => readPullRequestDiff(context, pr),

    async resolveComment(pr, comment, resolved) {
      if (comment.threadId === undefined) {
        throw new ScmError('invalid', 'GitHub resolves review threads only, not pull request comments.', {
          code: 'not_resolvable',
        });
      }
      await setThreadResolved(context, pr, commentId({ id: comment.threadId }), resolved);
    },

    async replyToComment(pr, comment, body) {
      // Issue comments have no threads: the answer is a new comment of the pull request.
      if (comment.threadId === undefined) return createComment(pr, body);
      return replyInThread(context, pr, commentId({ id: comment.threadId }), body);
    },

    setCommitStatus: (pr, status) => setCheckRun(context, pr, status),

    canWrite: (repository, user) => userCanWrite(context, repository, user),
  };
}
