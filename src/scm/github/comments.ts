import { isScmError, ScmError } from '../errors.js';
import type {
  InlinePosition,
  PullRequestCommenter,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
} from '../provider.js';
import { integerIdPattern } from './app-credentials.js';
import { onInstallation, pagesOf, type GitHubContext } from './provider-context.js';
import { githubPageSize } from './repos.js';
import { idOf, issueCommentSchema, ownerAndRepo, parseGitHub, reviewCommentSchema } from './schemas.js';

/*
 * Pull request comments: summary comments are issue comments of the pull request; inline comments are review
 * comments on a line of the diff. A review comment's ref carries `threadId` (the first comment of its review
 * thread), an issue comment's does not: that is how an edit or a delete finds the right endpoint.
 */

/** GitHub refuses longer comment bodies with 422. */
export const maxCommentLength = 65_536;

/** An account GitHub no longer has is shown as `ghost`, with no user record. */
const ghost = { id: '', login: 'ghost' } as const;

function checkBody(body: string): void {
  if (body.length <= maxCommentLength) return;
  throw new ScmError('invalid', `The comment has ${body.length} characters; GitHub takes at most 65,536.`, {
    code: 'comment_too_long',
    fix: 'Shorten the comment (e.g. list fewer findings and link to the rest).',
  });
}

function commentId(ref: ScmCommentRef): string {
  if (integerIdPattern.test(ref.id)) return ref.id;
  throw new ScmError('invalid', 'A GitHub comment id is a positive integer.', { code: 'invalid_comment_id' });
}

const authorOf = (user: { id: unknown; login: string } | null) =>
  user === null ? ghost : { id: idOf(user.id, 'comment author'), login: user.login };

function toSummary(value: unknown): ScmComment {
  const comment = parseGitHub(issueCommentSchema, value, 'issue comment');
  return {
    id: idOf(comment.id, 'comment'),
    body: comment.body ?? '',
    author: authorOf(comment.user),
    ...(comment.html_url ? { webUrl: comment.html_url } : {}),
  };
}

function toInline(value: unknown): ScmComment {
  const comment = parseGitHub(reviewCommentSchema, value, 'review comment');
  const id = idOf(comment.id, 'comment');
  // An outdated comment has no current line; it keeps the line and commit it was made on.
  const line = comment.line ?? comment.original_line ?? null;
  const commitSha =
    comment.line != null ? comment.commit_id : (comment.original_commit_id ?? comment.commit_id);
  return {
    id,
    threadId: comment.in_reply_to_id === undefined ? id : idOf(comment.in_reply_to_id, 'comment'),
    body: comment.body ?? '',
    author: authorOf(comment.user),
    ...(line === null ? {} : { position: { path: comment.path, line, commitSha } }),
    ...(comment.html_url ? { webUrl: comment.html_url } : {}),
  };
}

/** Every method, inline ones included. */
export function createGitHubCommenter(context: GitHubContext): Required<PullRequestCommenter> {
  const target = (pr: PullRequestRef) => ({ ...ownerAndRepo(pr.repository.fullName), number: pr.number });
  const call = <T>(what: string, run: () => Promise<T>) => onInstallation(context, what, run);

  return {
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

    async createComment(pr, body) {
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
    },

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

    async *listInlineComments(pr) {
      const { owner, repo, number } = target(pr);
      // GET /repos/{owner}/{repo}/pulls/{pull_number}/comments?per_page=100
      const pages = context
        .octokit()
        .paginate.iterator('GET /repos/{owner}/{repo}/pulls/{pull_number}/comments', {
          owner,
          repo,
          pull_number: number,
          per_page: githubPageSize,
        });
      for await (const item of pagesOf<unknown>(context, 'list the inline comments', pages)) {
        yield toInline(item);
      }
    },

    async createInlineComment(pr, position, body) {
      checkBody(body);
      const { owner, repo, number } = target(pr);
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
          }),
        );
        return toInline(answer.data);
      } catch (error) {
        if (isScmError(error) && error.status === 422) throw notInDiff(position);
        throw error;
      }
    },
  };
}

/** GitHub's 422 to a review comment: the line (or the commit) is not part of the pull request's diff. */
function notInDiff(position: InlinePosition): ScmError {
  return new ScmError(
    'invalid',
    `GitHub refused an inline comment on \`${position.path.slice(0, 200)}\` line ${position.line}: the line is not part of the pull request's diff at ${position.commitSha.slice(0, 12)}.`,
    {
      code: 'line_not_in_diff',
      status: 422,
      fix: 'Mention the finding in the summary comment instead.',
    },
  );
}
