import { ScmError } from '../errors.js';
import type {
  CommentFormat,
  InlinePosition,
  NewInlineComment,
  PullRequestCommenter,
  PullRequestRef,
  ScmComment,
} from '../provider.js';
import { canWriteRepository } from './can-write.js';
import { resolveOrganization } from './connection-checks.js';
import { createAzureDevOpsFileReader } from './files.js';
import type { AdoPullRequestPath } from './pull-request-client.js';
import { changedFiles, iterationAt, iterationsOf, readPullRequestDiff } from './pull-request-diff.js';
import { dataOf, pullRequestPath, threadScopes, type AdoCommentContext } from './pull-request-errors.js';
import { setPullRequestStatus } from './pull-request-status.js';
import type { AdoIteration, AdoThread } from './schemas.js';
import {
  parseCommentRef,
  positionOf,
  textComment,
  threadRoots,
  threadStatus,
  toScmComment,
} from './threads.js';

/*
 * Pull request comments as threads ("Pull Request Threads", "Pull Request Thread Comments"): a summary comment
 * is a thread without `threadContext`, an inline comment a thread whose `threadContext` holds the file and the
 * right-side lines (a range where `startLine` is given), anchored to the iteration of its commit.
 */

/** "Pull request comments": a comment holds at most 150,000 characters. */
export const maxCommentLength = 150_000;

/** HTML comments render as nothing in Azure DevOps markdown (Danger JS hides its id in one on Azure DevOps too). */
export const azureDevOpsCommentFormat: CommentFormat = {
  hiddenMarker(text) {
    if (text.includes('--')) {
      throw new ScmError('invalid', 'A hidden marker cannot hold `--`, which would end its HTML comment.', {
        code: 'invalid_marker',
      });
    }
    return `<!-- ${text} -->`;
  },
  maxBodyLength: maxCommentLength,
};

function checkBody(body: string): void {
  if (body.length === 0) {
    throw new ScmError('invalid', 'An Azure DevOps comment needs some content.', { code: 'comment_empty' });
  }
  if (body.length <= maxCommentLength) return;
  throw new ScmError(
    'invalid',
    `The comment has ${body.length} characters; Azure DevOps takes at most 150,000.`,
    { code: 'comment_too_long', fix: 'Shorten the comment (e.g. list fewer findings and link to the rest).' },
  );
}

function checkPosition(position: InlinePosition): void {
  const { line, startLine } = position;
  const valid =
    Number.isSafeInteger(line) &&
    line >= 1 &&
    (startLine === undefined || (Number.isSafeInteger(startLine) && startLine >= 1 && startLine <= line)) &&
    position.path.replace(/^\/+/, '') !== '';
  if (!valid) {
    throw new ScmError(
      'invalid',
      'An inline comment needs a file path and lines from 1 with the first not after the last.',
      {
        code: 'invalid_position',
      },
    );
  }
}

const notInDiff = (why: string) =>
  new ScmError('invalid', why, { code: 'line_not_in_diff', fix: 'Put the finding in the summary comment.' });

/** Lines of a text: a final line break ends the last line rather than starting one. */
const lineCount = (content: Buffer) => {
  const text = content.toString('utf8');
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
};

/** The thread body of an inline comment: the lines on the right side, tracked from iteration 1 to `iteration`. */
function inlineThread(
  position: InlinePosition,
  body: string,
  iteration: AdoIteration,
  changeTrackingId: number | undefined,
) {
  const path = position.path.replace(/^\/+/, '');
  return {
    comments: [{ parentCommentId: 0, content: body, commentType: textComment }],
    status: threadStatus.active,
    threadContext: {
      filePath: `/${path}`,
      rightFileStart: { line: position.startLine ?? position.line, offset: 1 },
      rightFileEnd: { line: position.line, offset: 1 },
    },
    pullRequestThreadContext: {
      ...(changeTrackingId === undefined ? {} : { changeTrackingId }),
      iterationContext: { firstComparingIteration: 1, secondComparingIteration: iteration.id },
    },
  };
}

/** Every method, inline ones and resolving included. */
export function createAzureDevOpsCommenter(c: AdoCommentContext): Required<PullRequestCommenter> {
  const { webRoot } = c.ctx;
  const files = createAzureDevOpsFileReader(c.ctx);
  const about = (pr: PullRequestRef) =>
    `pull request ${pr.number} in ${pr.repository.fullName.slice(0, 200)}`;
  const rootOf = (pr: PullRequestRef, thread: AdoThread): ScmComment => {
    const first = [...(thread.comments ?? [])].sort((a, b) => a.id - b.id)[0];
    if (!first) {
      throw new ScmError('invalid', `Azure DevOps answered with a thread of ${about(pr)} without comments.`, {
        code: 'upstream_invalid_response',
      });
    }
    return toScmComment(webRoot, pr, thread.id, first);
  };
  const threadsOf = async (pr: PullRequestRef, path: AdoPullRequestPath) =>
    dataOf(c.ctx, `the threads of ${about(pr)}`, await c.prs.threads(path), threadScopes);

  async function postInline(
    pr: PullRequestRef,
    path: AdoPullRequestPath,
    comments: readonly NewInlineComment[],
  ): Promise<ScmComment[]> {
    for (const comment of comments) {
      checkBody(comment.body);
      checkPosition(comment.position);
    }
    const iterations = await iterationsOf(c, path);
    const changedAt = new Map<number, Map<string, number | undefined>>();
    const linesOf = new Map<string, number>();
    const placed = [];
    // Every position is checked before anything is written: a changed file with a new side (any of its lines
    // may carry a thread), and a line that the file has at that commit.
    for (const { position, body } of comments) {
      const iteration = iterationAt(iterations, position.commitSha, pr.number);
      let changed = changedAt.get(iteration.id);
      if (changed === undefined) {
        changed = await changedFiles(c, path, iteration);
        changedAt.set(iteration.id, changed);
      }
      const file = position.path.replace(/^\/+/, '');
      const name = JSON.stringify(file.slice(0, 300));
      if (!changed.has(file)) throw notInDiff(`${name} is not a changed file of pull request ${pr.number}.`);
      const key = `${iteration.id}:${file}`;
      let lines = linesOf.get(key);
      if (lines === undefined) {
        const read = await files.readFile(pr.repository, position.commitSha, file);
        lines = read === undefined ? 0 : lineCount(read.content);
        linesOf.set(key, lines);
      }
      if (position.line > lines) {
        throw notInDiff(
          `${name} has ${lines} lines at that commit; line ${position.line} is not one of them.`,
        );
      }
      placed.push(inlineThread(position, body, iteration, changed.get(file)));
    }
    const created: ScmComment[] = [];
    for (const [index, thread] of placed.entries()) {
      // POST …/pullRequests/{pullRequestId}/threads
      const answer = await c.prs.createThread(path, thread);
      const made = dataOf(c.ctx, `a thread on ${about(pr)}`, answer, threadScopes);
      created.push({
        ...rootOf(pr, made),
        position: comments[index]!.position,
        replyCount: 0,
        resolved: false,
      });
    }
    return created;
  }

  return {
    format: azureDevOpsCommentFormat,

    identity: async () => (await resolveOrganization(c.ctx)).identity,

    async *listComments(pr) {
      const path = pullRequestPath(pr);
      yield* threadRoots(await threadsOf(pr, path), 'summary', (thread) => rootOf(pr, thread));
    },

    async createComment(pr, body) {
      checkBody(body);
      const path = pullRequestPath(pr);
      const answer = await c.prs.createThread(path, {
        comments: [{ parentCommentId: 0, content: body, commentType: textComment }],
        status: threadStatus.active,
      });
      const thread = dataOf(c.ctx, `a thread on ${about(pr)}`, answer, threadScopes);
      return { ...rootOf(pr, thread), replyCount: 0, resolved: false };
    },

    async updateComment(pr, ref, body) {
      checkBody(body);
      const path = pullRequestPath(pr);
      const { threadId, commentId } = parseCommentRef(ref);
      const answer = await c.prs.updateComment(path, threadId, commentId, body);
      const comment = dataOf(c.ctx, `comment ${ref.id} of ${about(pr)}`, answer, threadScopes);
      return toScmComment(webRoot, pr, threadId, comment);
    },

    async deleteComment(pr, ref) {
      const path = pullRequestPath(pr);
      const { threadId, commentId } = parseCommentRef(ref);
      const answer = await c.prs.deleteComment(path, threadId, commentId);
      // Deleting keeps the comment in its thread, marked deleted; listings leave it out.
      if (answer.ok || answer.refusal === 'not-found') return;
      dataOf(c.ctx, `comment ${ref.id} of ${about(pr)}`, answer, threadScopes);
    },

    async *listInlineComments(pr) {
      const path = pullRequestPath(pr);
      const threads = await threadsOf(pr, path);
      if (!threads.some((t) => t.threadContext?.filePath)) return;
      const iterations = await iterationsOf(c, path);
      const latest = iterations.at(-1)?.sourceRefCommit?.commitId ?? '';
      const commitOf = (id: number | undefined) =>
        iterations.find((i) => i.id === id)?.sourceRefCommit?.commitId ?? latest;
      yield* threadRoots(threads, 'inline', (thread) => {
        const position = positionOf(thread, commitOf);
        return { ...rootOf(pr, thread), ...(position ? { position } : {}) };
      });
    },

    async createInlineComment(pr, position, body) {
      const [created] = await postInline(pr, pullRequestPath(pr), [{ position, body }]);
      return created!;
    },

    createInlineComments: (pr, comments) => postInline(pr, pullRequestPath(pr), comments),

    pullRequestDiff: (pr) => readPullRequestDiff(c, pr),

    async resolveComment(pr, ref, resolved) {
      const path = pullRequestPath(pr);
      const { threadId } = parseCommentRef(ref);
      const status = resolved ? threadStatus.fixed : threadStatus.active;
      // PATCH …/pullRequests/{pullRequestId}/threads/{threadId} {status}
      dataOf(
        c.ctx,
        `thread ${threadId} of ${about(pr)}`,
        await c.prs.updateThread(path, threadId, { status }),
        threadScopes,
      );
    },

    async replyToComment(pr, ref, body) {
      checkBody(body);
      const path = pullRequestPath(pr);
      const { threadId, commentId } = parseCommentRef(ref);
      const answer = await c.prs.createComment(path, threadId, {
        content: body,
        parentCommentId: commentId,
        commentType: textComment,
      });
      const reply = dataOf(c.ctx, `thread ${threadId} of ${about(pr)}`, answer, threadScopes);
      return toScmComment(webRoot, pr, threadId, reply);
    },

    setCommitStatus: (pr, status) => setPullRequestStatus(c, pr, status),

    canWrite: (repository, user) => canWriteRepository(c, repository, user),
  };
}
