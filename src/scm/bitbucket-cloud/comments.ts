import { ScmError } from '../errors.js';
import type {
  InlinePosition,
  NewInlineComment,
  PullRequestCommenter,
  PullRequestDiff,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
  ScmIdentity,
} from '../provider.js';
import { setBuildStatus } from './build-status.js';
import { bitbucketCloudCommentFormat, carriesOwnMarker, checkCommentBody } from './comment-format.js';
import { findIdentity, resolveWorkspace, type BitbucketContext } from './connection-checks.js';
import { isCommentable } from './diff-parse.js';
import { accountLogin } from './members.js';
import { repoPathOf } from './client.js';
import type { BitbucketPullRequestClient } from './pull-request-client.js';
import { readPullRequestDiff } from './pull-request-diff.js';
import type { BitbucketComment } from './schemas.js';
import { canWriteRepository } from './write-access.js';

/*
 * Pull request comments on Bitbucket Cloud: one list of comments per pull request, where a comment with `inline`
 * sits on a line of the diff, one with `parent` is a reply, and a deleted one stays listed with `deleted`.
 * Thread roots are the comments without a parent; their replies are every comment below them. Only inline roots
 * on the diff can be resolved ("Resolve a comment thread" refuses others with 403).
 *
 * An access token cannot ask Bitbucket who it is (`/2.0/user` is not offered to it), so its identity is named
 * after the workspace, and a comment is the token's own when this commenter wrote it or when its author, like
 * every access token, has no Atlassian account id and its body carries scm-connect's hidden marker.
 *
 * Bitbucket accepts an inline comment on any line of a file, shown on the file rather than the diff, so
 * `createInlineComment` checks the line against the pull request's diff itself and refuses a line outside it.
 */

const unknownAuthor = { id: '', login: 'unknown' } as const;

function commentIdOf(ref: ScmCommentRef): number {
  if (/^[1-9]\d{0,15}$/.test(ref.id)) return Number(ref.id);
  throw new ScmError('invalid', 'A Bitbucket comment id is a positive integer.', {
    code: 'invalid_comment_id',
  });
}

/** The number of replies below each comment, deleted ones left out. */
function replyCounts(comments: readonly BitbucketComment[]): Map<number, number> {
  const parentOf = new Map(comments.map((c) => [c.id, c.parent?.id]));
  const counts = new Map<number, number>();
  for (const comment of comments) {
    if (comment.deleted) continue;
    const seen = new Set<number>();
    for (let up = comment.parent?.id; up !== undefined && !seen.has(up); up = parentOf.get(up)) {
      seen.add(up);
      counts.set(up, (counts.get(up) ?? 0) + 1);
    }
  }
  return counts;
}

function outsideDiff(position: InlinePosition, diff: PullRequestDiff): ScmError | undefined {
  const { headSha } = diff;
  const sameHead = headSha.startsWith(position.commitSha) || position.commitSha.startsWith(headSha);
  if (!sameHead) {
    return new ScmError(
      'invalid',
      `The pull request's head is ${headSha.slice(0, 12)}, not ${position.commitSha.slice(0, 12)}: the line may have moved.`,
      { code: 'line_not_in_diff', fix: 'Read the diff again and place the comment at the current head.' },
    );
  }
  const start = position.startLine ?? position.line;
  if (!Number.isInteger(start) || !Number.isInteger(position.line) || start < 1 || start > position.line) {
    throw new ScmError('invalid', 'An inline comment needs lines 1 ≤ start ≤ end.', {
      code: 'invalid_position',
    });
  }
  const file = diff.files.find((candidate) => candidate.path === position.path);
  if (isCommentable(file, start, position.line)) return undefined;
  const lines = start === position.line ? `line ${start}` : `lines ${start}–${position.line}`;
  return new ScmError(
    'invalid',
    `${lines} of ${JSON.stringify(position.path.slice(0, 200))} ${file ? 'are' : 'is'} not part of the pull request's diff.`,
    { code: 'line_not_in_diff', fix: 'Mention it in the summary comment instead.' },
  );
}

/** The commenter of one connection; the access token's own author ids are learned from what it writes. */
export function createBitbucketCloudCommenter(
  context: BitbucketContext,
  client: BitbucketPullRequestClient,
): Required<Omit<PullRequestCommenter, 'createInlineComments'>> &
  Pick<PullRequestCommenter, 'createInlineComments'> {
  let identity: Promise<ScmIdentity> | undefined;
  /** Bitbucket user UUIDs this connection wrote as (an access token shows as a user of its own). */
  const ownAuthors = new Set<string>();

  const me = (): Promise<ScmIdentity> => {
    identity ??= resolveWorkspace(context)
      .then(({ workspace }) => findIdentity(context, workspace))
      .catch((error: unknown) => {
        identity = undefined;
        throw error;
      });
    return identity;
  };

  async function authorOf(comment: BitbucketComment): Promise<ScmComment['author']> {
    const user = comment.user;
    if (!user) return unknownAuthor;
    // An access token is no Atlassian account (no `account_id`) and cannot ask who it is: a comment by such an
    // author that carries scm-connect's own marker was written by this connection's token.
    const tokenWithOurMarker =
      context.credential === 'access-token' &&
      !user.account_id &&
      carriesOwnMarker(comment.content?.raw ?? '');
    if (tokenWithOurMarker) ownAuthors.add(user.uuid);
    if (ownAuthors.has(user.uuid)) {
      const self = await me();
      return { id: self.id, login: self.login };
    }
    return { id: user.uuid, login: accountLogin(user) };
  }

  async function toComment(
    comment: BitbucketComment,
    extra: { replyCount?: number; headSha?: string } = {},
  ): Promise<ScmComment> {
    const inline = comment.inline;
    const line = inline?.to ?? undefined;
    return {
      id: String(comment.id),
      ...(comment.parent ? { threadId: String(comment.parent.id) } : {}),
      body: comment.content?.raw ?? '',
      author: await authorOf(comment),
      ...(inline && line !== undefined && extra.headSha !== undefined
        ? {
            position: {
              path: inline.path,
              line,
              ...(inline.start_to != null && inline.start_to !== line ? { startLine: inline.start_to } : {}),
              commitSha: extra.headSha,
            },
          }
        : {}),
      ...(comment.links?.html?.href ? { webUrl: comment.links.html.href } : {}),
      ...(extra.replyCount === undefined ? {} : { replyCount: extra.replyCount }),
      ...(inline ? { resolved: comment.resolution != null } : {}),
    };
  }

  /** Learns the author of what this connection just wrote, then reads it. */
  async function written(comment: BitbucketComment, headSha?: string): Promise<ScmComment> {
    if (comment.user && context.credential === 'access-token') ownAuthors.add(comment.user.uuid);
    return toComment(comment, headSha === undefined ? {} : { headSha });
  }

  async function* roots(pr: PullRequestRef, inline: boolean): AsyncGenerator<ScmComment> {
    const repo = repoPathOf(pr.repository);
    const all: BitbucketComment[] = [];
    for await (const comment of client.comments(repo, pr.number)) all.push(comment);
    const counts = replyCounts(all);
    const wanted = all.filter((c) => !c.deleted && !c.parent && Boolean(c.inline) === inline);
    const headSha =
      inline && wanted.length > 0
        ? (await client.pullRequest(repo, pr.number)).source.commit?.hash
        : undefined;
    for (const comment of wanted) {
      yield toComment(comment, { replyCount: counts.get(comment.id) ?? 0, ...(headSha ? { headSha } : {}) });
    }
  }

  async function postInline(
    pr: PullRequestRef,
    position: InlinePosition,
    body: string,
    diff: PullRequestDiff,
  ) {
    checkCommentBody(body);
    const refusal = outsideDiff(position, diff);
    if (refusal) throw refusal;
    const start = position.startLine ?? position.line;
    const created = await client.createComment(repoPathOf(pr.repository), pr.number, {
      content: { raw: body },
      inline: {
        path: position.path,
        to: position.line,
        ...(start < position.line ? { start_to: start } : {}),
      },
    });
    return written(created, diff.headSha);
  }

  return {
    format: bitbucketCloudCommentFormat,
    identity: me,

    listComments: (pr) => roots(pr, false),
    listInlineComments: (pr) => roots(pr, true),

    async createComment(pr, body) {
      checkCommentBody(body);
      return written(
        await client.createComment(repoPathOf(pr.repository), pr.number, { content: { raw: body } }),
      );
    },

    async updateComment(pr, ref, body) {
      checkCommentBody(body);
      return written(
        await client.updateComment(repoPathOf(pr.repository), pr.number, commentIdOf(ref), body),
      );
    },

    deleteComment: (pr, ref) => client.deleteComment(repoPathOf(pr.repository), pr.number, commentIdOf(ref)),

    async createInlineComment(pr, position, body) {
      return postInline(pr, position, body, await readPullRequestDiff(client, pr));
    },

    async createInlineComments(pr, comments: readonly NewInlineComment[]) {
      if (comments.length === 0) return [];
      const diff = await readPullRequestDiff(client, pr);
      for (const { position, body } of comments) {
        checkCommentBody(body);
        const refusal = outsideDiff(position, diff);
        if (refusal) throw refusal;
      }
      const created: ScmComment[] = [];
      for (const { position, body } of comments) created.push(await postInline(pr, position, body, diff));
      return created;
    },

    pullRequestDiff: (pr) => readPullRequestDiff(client, pr),

    resolveComment: (pr, ref, resolved) =>
      client.resolveComment(repoPathOf(pr.repository), pr.number, commentIdOf(ref), resolved),

    async replyToComment(pr, ref, body) {
      checkCommentBody(body);
      const parent = { id: commentIdOf(ref) };
      return written(
        await client.createComment(repoPathOf(pr.repository), pr.number, { content: { raw: body }, parent }),
      );
    },

    setCommitStatus: (pr, status) => setBuildStatus(client, pr, status),

    canWrite: (repository, user) => canWriteRepository(context, client, repository, user),
  };
}
