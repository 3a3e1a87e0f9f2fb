import { ScmError } from '../errors.js';
import type {
  InlinePosition,
  NewInlineComment,
  PullRequestCommenter,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
  ScmIdentity,
} from '../provider.js';
import { setBbdcBuildStatus } from './build-status.js';
import { commentIdOf, pullRequestId, pullRequestRefusal, repoPathOf } from './comment-errors.js';
import { bbdcCommentFormat } from './comment-format.js';
import { isInline, threadRoots, toScmComment, type BbdcThreadRoot } from './comment-threads.js';
import { projectWebPath, resolveProject, type BbdcContext } from './connection-checks.js';
import type { BbdcAnchorBody, BbdcPullRequestClient } from './pull-request-client.js';
import { parsePullRequestDiff, type ParsedPullRequestDiff } from './pull-request-diff.js';
import type { BbdcComment } from './schemas.js';
import { canWriteBbdc } from './write-access.js';

/** How many pull request diffs one provider keeps for placing inline comments. */
const recentDiffLimit = 16;

/**
 * Pull request comments on Data Center (REST 1.0). Summary comments are comments without an anchor, inline ones
 * carry an anchor on the new side of the effective diff; replies nest under their parent, and a root's
 * `threadResolved` says whether its thread is resolved. Edits and deletes need the comment's current `version`:
 * a stale one is answered 409, so the comment is read again and the call made once more.
 */
export function createBbdcCommenter(
  ctx: BbdcContext,
  prs: BbdcPullRequestClient,
  serverVersion: () => Promise<string>,
): PullRequestCommenter {
  let identity: Promise<ScmIdentity> | undefined;
  /**
   * Diffs read lately, by pull request and head: the diff between a head and its merge base does not change, so
   * inline comments placed at a head whose diff was just read need not read it again.
   */
  const recentDiffs = new Map<string, ParsedPullRequestDiff>();
  const diffKey = (pr: PullRequestRef, headSha: string) =>
    `${pr.repository.fullName}#${pr.number}@${headSha}`;
  const prUrl = (pr: PullRequestRef) => {
    const { projectKey, slug } = repoPathOf(pr.repository);
    return `${ctx.webRoot}/${projectWebPath(projectKey)}/repos/${encodeURIComponent(slug)}/pull-requests/${pr.number}`;
  };
  const scm = (pr: PullRequestRef, comment: BbdcComment, anchor?: BbdcThreadRoot['anchor']) =>
    toScmComment(comment, anchor ?? comment.anchor ?? undefined, prUrl(pr));

  async function readComment(pr: PullRequestRef, id: string): Promise<BbdcComment | undefined> {
    const answer = await prs.comment(repoPathOf(pr.repository), pullRequestId(pr), commentIdOf(id));
    if (answer.ok) return answer.data;
    if (answer.refusal === 'not-found') return undefined;
    throw pullRequestRefusal(ctx, pr, answer, 'read a comment of');
  }

  async function roots(pr: PullRequestRef): Promise<BbdcThreadRoot[]> {
    const activities = [];
    for await (const activity of prs.activities(repoPathOf(pr.repository), pullRequestId(pr))) {
      activities.push(activity);
    }
    return threadRoots(activities);
  }

  async function readDiff(pr: PullRequestRef): Promise<ParsedPullRequestDiff> {
    const repo = repoPathOf(pr.repository);
    const id = pullRequestId(pr);
    const pullRequest = await prs.pullRequest(repo, id);
    if (!pullRequest.ok) throw pullRequestRefusal(ctx, pr, pullRequest, 'read');
    const diff = await prs.diff(repo, id);
    if (!diff.ok) throw pullRequestRefusal(ctx, pr, diff, 'read the diff of');
    const parsed = parsePullRequestDiff(pullRequest.data, diff.data);
    recentDiffs.delete(diffKey(pr, parsed.diff.headSha));
    recentDiffs.set(diffKey(pr, parsed.diff.headSha), parsed);
    for (const key of recentDiffs.keys()) {
      if (recentDiffs.size <= recentDiffLimit) break;
      recentDiffs.delete(key);
    }
    return parsed;
  }

  /** The diff at the head `commitSha` names: the one read last for it, else the current one. */
  const diffAt = async (pr: PullRequestRef, commitSha: string) =>
    recentDiffs.get(diffKey(pr, commitSha)) ?? (await readDiff(pr));

  /** The anchor for `position`, or `line_not_in_diff` when the diff has no such new-side line. */
  function anchorFor(
    pr: PullRequestRef,
    parsed: ParsedPullRequestDiff,
    position: InlinePosition,
  ): BbdcAnchorBody {
    const { headSha, baseSha } = parsed.diff;
    if (!headSha.startsWith(position.commitSha) && !position.commitSha.startsWith(headSha)) {
      throw new ScmError(
        'invalid',
        `Pull request #${pr.number} is at ${headSha.slice(0, 12)} now, not at ${position.commitSha.slice(0, 12)}: its lines may have moved.`,
        { code: 'line_not_in_diff' },
      );
    }
    const file = parsed.files.get(position.path);
    const lineType = file?.lines.get(position.line);
    if (!file || !lineType) {
      throw new ScmError(
        'invalid',
        `Line ${position.line} of ${JSON.stringify(position.path.slice(0, 300))} is not part of the diff of pull request #${pr.number}.`,
        { code: 'line_not_in_diff' },
      );
    }
    return {
      path: file.path,
      ...(file.srcPath ? { srcPath: file.srcPath } : {}),
      line: position.line,
      lineType,
      fileType: 'TO',
      diffType: 'EFFECTIVE',
      fromHash: baseSha,
      toHash: headSha,
    };
  }

  async function post(
    pr: PullRequestRef,
    text: string,
    extra: { anchor?: BbdcAnchorBody; parent?: { id: number } },
  ) {
    const answer = await prs.createComment(repoPathOf(pr.repository), pullRequestId(pr), { text, ...extra });
    if (!answer.ok) throw pullRequestRefusal(ctx, pr, answer, 'comment on');
    return scm(pr, answer.data);
  }

  /** PUT with the known version; on 409 reads the comment again and retries once with its version. */
  async function put(
    pr: PullRequestRef,
    ref: ScmCommentRef,
    change: { readonly text?: string; readonly threadResolved?: boolean },
  ): Promise<BbdcComment> {
    const repo = repoPathOf(pr.repository);
    const id = commentIdOf(ref.id);
    let version = ref.version ?? (await readComment(pr, id))?.version;
    for (let attempt = 0; ; attempt += 1) {
      if (version === undefined) throw gone(pr, id);
      const answer = await prs.updateComment(repo, pullRequestId(pr), id, { ...change, version });
      if (answer.ok) return answer.data;
      if (answer.status !== 409 || attempt > 0)
        throw pullRequestRefusal(ctx, pr, answer, 'change a comment of');
      version = (await readComment(pr, id))?.version;
    }
  }

  const gone = (pr: PullRequestRef, id: string) =>
    new ScmError('not-found', `Comment ${id} of pull request #${pr.number} is gone.`, {
      code: 'comment_not_found',
    });

  return {
    format: bbdcCommentFormat,

    identity: () =>
      (identity ??= resolveProject(ctx).then(
        (resolved) => resolved.identity,
        (error: unknown) => {
          identity = undefined;
          throw error;
        },
      )),

    async *listComments(pr) {
      for (const root of await roots(pr)) if (!root.anchor) yield scm(pr, root.comment);
    },

    async *listInlineComments(pr) {
      for (const root of await roots(pr)) if (isInline(root)) yield scm(pr, root.comment, root.anchor);
    },

    createComment: (pr, body) => post(pr, body, {}),

    async updateComment(pr, comment, body) {
      return scm(pr, await put(pr, comment, { text: body }));
    },

    async deleteComment(pr, comment) {
      const repo = repoPathOf(pr.repository);
      const id = commentIdOf(comment.id);
      let version = comment.version;
      for (let attempt = 0; ; attempt += 1) {
        if (version === undefined) {
          const current = await readComment(pr, id);
          if (!current) return;
          version = current.version;
        }
        const answer = await prs.deleteComment(repo, pullRequestId(pr), id, version);
        if (answer.ok || answer.refusal === 'not-found') return;
        if (answer.status !== 409) throw pullRequestRefusal(ctx, pr, answer, 'delete a comment of');
        // 409: a stale version, replies under the comment, or an archived repository.
        const current = await readComment(pr, id);
        if (!current) return;
        if (current.comments.length > 0) {
          throw new ScmError(
            'invalid',
            `Comment ${id} of pull request #${pr.number} has replies and cannot be deleted.`,
            {
              code: 'comment_has_replies',
              status: 409,
            },
          );
        }
        if (current.version === version || attempt > 0)
          throw pullRequestRefusal(ctx, pr, answer, 'delete a comment of');
        version = current.version;
      }
    },

    async createInlineComment(pr, position, body) {
      return post(pr, body, { anchor: anchorFor(pr, await diffAt(pr, position.commitSha), position) });
    },

    async createInlineComments(pr, comments: readonly NewInlineComment[]) {
      if (comments.length === 0) return [];
      const parsed = await diffAt(pr, comments[0]!.position.commitSha);
      // Every position is checked before the first write, so a bad one leaves nothing half done.
      const anchors = comments.map((comment) => anchorFor(pr, parsed, comment.position));
      const created: ScmComment[] = [];
      for (const [index, comment] of comments.entries()) {
        created.push(await post(pr, comment.body, { anchor: anchors[index]! }));
      }
      return created;
    },

    async pullRequestDiff(pr) {
      return (await readDiff(pr)).diff;
    },

    async resolveComment(pr, comment, resolved) {
      await put(pr, comment, { threadResolved: resolved });
    },

    replyToComment: (pr, comment, body) =>
      post(pr, body, { parent: { id: Number(commentIdOf(comment.id)) } }),

    setCommitStatus: (pr, status) => setBbdcBuildStatus(ctx, prs, serverVersion, pr, status),

    canWrite: (repository, user) => canWriteBbdc(prs, repository, user),
  };
}
