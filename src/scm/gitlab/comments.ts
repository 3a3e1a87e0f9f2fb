import { ScmError } from '../errors.js';
import type {
  CommitStatus,
  InlinePosition,
  PullRequestCommenter,
  PullRequestRef,
  ScmComment,
  ScmCommentRef,
} from '../provider.js';
import type { GitLabClient } from './client.js';
import { gitlabCommentFormat } from './comment-format.js';
import { setGitLabCommitStatus } from './commit-status.js';
import { findIdentity } from './connection-checks.js';
import { diffPosition, notInDiff, rangeStart } from './diff-position.js';
import type { GitLabMergeRequestClient } from './merge-request-client.js';
import { mergeRequestAt, readMergeRequestDiff, type MergeRequestDiff } from './merge-request-diff.js';
import type { GitLabDiscussion, GitLabNote } from './schemas.js';

/** Developer (30) and above may push to a project ("Roles and permissions"). */
export const writeAccessLevel = 30;

/** A note as a comment; `threadId` is its discussion, where known; `webUrl` its anchor on the merge request page. */
function toComment(note: GitLabNote, pageUrl: string, discussion?: GitLabDiscussion): ScmComment {
  const position = note.position;
  const line = position?.new_line ?? undefined;
  const startLine = rangeStart(position?.line_range?.start?.line_code);
  const replies = discussion
    ? discussion.notes.slice(1).filter((reply) => reply.system !== true).length
    : undefined;
  return {
    id: note.id,
    ...(discussion ? { threadId: discussion.id } : {}),
    body: note.body,
    author: { id: note.author.id, login: note.author.username },
    ...(position?.new_path && line !== undefined
      ? {
          position: {
            path: position.new_path,
            line,
            ...(startLine !== undefined && startLine < line ? { startLine } : {}),
            commitSha: position.head_sha ?? '',
          },
        }
      : {}),
    webUrl: `${pageUrl}#note_${note.id}`,
    ...(replies === undefined ? {} : { replyCount: replies }),
    ...(note.resolvable === true ? { resolved: note.resolved === true } : {}),
  };
}

/** The thread's first note, unless the thread is GitLab's own (system notes are not comments). */
const rootOf = (discussion: GitLabDiscussion): GitLabNote | undefined => {
  const root = discussion.notes[0];
  return root === undefined || root.system === true ? undefined : root;
};

/**
 * Merge request comments: summary comments are notes (`/notes`), inline comments are diff threads
 * (`/discussions` with a `position`); both are listed from `/discussions`, which names each note's thread.
 * Resolving is the discussion's; `ScmCommentRef.threadId` is the discussion id.
 */
export function createGitLabCommenter(
  client: GitLabClient,
  mrs: GitLabMergeRequestClient,
  /** The instance's web root (`https://gitlab.example.com/`, a relative root included). */
  webRoot: string,
): PullRequestCommenter {
  const base = webRoot.endsWith('/') ? webRoot : `${webRoot}/`;
  /** The merge request's page: `{web root}{group/…/project}/-/merge_requests/{iid}`. */
  const pageOf = (pr: PullRequestRef) =>
    `${base}${pr.repository.fullName.split('/').map(encodeURIComponent).join('/')}/-/merge_requests/${pr.number}`;

  async function* roots(pr: PullRequestRef, inline: boolean): AsyncGenerator<ScmComment> {
    for await (const discussion of mrs.discussions(mergeRequestAt(pr))) {
      const root = rootOf(discussion);
      if (root && (root.position !== undefined && root.position !== null) === inline)
        yield toComment(root, pageOf(pr), discussion);
    }
  }

  async function threadOf(pr: PullRequestRef, comment: ScmCommentRef): Promise<string> {
    if (comment.threadId !== undefined) return comment.threadId;
    for await (const discussion of mrs.discussions(mergeRequestAt(pr))) {
      if (discussion.notes.some((note) => note.id === comment.id)) return discussion.id;
    }
    throw new ScmError('not-found', `Comment ${comment.id} is not on merge request !${pr.number}.`, {
      code: 'comment_not_found',
    });
  }

  async function createThread(
    pr: PullRequestRef,
    diff: MergeRequestDiff,
    position: InlinePosition,
    body: string,
  ) {
    const answer = await mrs.createDiffThread(mergeRequestAt(pr), body, diffPosition(diff, position));
    if (!answer.ok) {
      // GitLab answers 400 `Note {:line_code=>["can't be blank", "must be a valid line code"]}` off the diff.
      throw notInDiff(
        `GitLab did not place the comment on line ${position.line} of \`${position.path}\`: it is not in the merge request's diff (${answer.status}).`,
      );
    }
    const root = answer.data.notes[0];
    if (!root)
      throw new ScmError('invalid', 'GitLab answered a new thread without its note.', {
        code: 'upstream_invalid_response',
      });
    return toComment(root, pageOf(pr), answer.data);
  }

  const checkBody = (body: string) => {
    if (body.length > gitlabCommentFormat.maxBodyLength) {
      throw new ScmError(
        'invalid',
        `A comment may have at most ${gitlabCommentFormat.maxBodyLength} characters.`,
        {
          code: 'comment_too_long',
        },
      );
    }
    return body;
  };

  return {
    format: gitlabCommentFormat,
    identity: () => findIdentity(client),
    listComments: (pr) => roots(pr, false),
    listInlineComments: (pr) => roots(pr, true),
    async createComment(pr, body) {
      return toComment(await mrs.createNote(mergeRequestAt(pr), checkBody(body)), pageOf(pr));
    },
    async updateComment(pr, comment, body) {
      const at = mergeRequestAt(pr);
      const note =
        comment.threadId === undefined
          ? await mrs.updateNote(at, comment.id, checkBody(body))
          : await mrs.updateDiscussionNote(at, comment.threadId, comment.id, checkBody(body));
      return {
        ...toComment(note, pageOf(pr)),
        ...(comment.threadId === undefined ? {} : { threadId: comment.threadId }),
      };
    },
    async deleteComment(pr, comment) {
      await mrs.deleteNote(mergeRequestAt(pr), comment.id);
    },
    async createInlineComment(pr, position, body) {
      return createThread(pr, await readMergeRequestDiff(mrs, pr), position, checkBody(body));
    },
    async createInlineComments(pr, comments) {
      const diff = await readMergeRequestDiff(mrs, pr);
      // Every position is checked before the first write, so that a bad one leaves nothing half done.
      for (const comment of comments) {
        diffPosition(diff, comment.position);
        checkBody(comment.body);
      }
      const created: ScmComment[] = [];
      for (const comment of comments)
        created.push(await createThread(pr, diff, comment.position, comment.body));
      return created;
    },
    async pullRequestDiff(pr) {
      return (await readMergeRequestDiff(mrs, pr)).diff;
    },
    async resolveComment(pr, comment, resolved) {
      await mrs.resolve(mergeRequestAt(pr), await threadOf(pr, comment), resolved);
    },
    async replyToComment(pr, comment, body) {
      const threadId = await threadOf(pr, comment);
      const note = await mrs.reply(mergeRequestAt(pr), threadId, checkBody(body));
      return { ...toComment(note, pageOf(pr)), threadId };
    },
    setCommitStatus: (pr: PullRequestRef, status: CommitStatus) => setGitLabCommitStatus(mrs, pr, status),
    async canWrite(repository, user) {
      if (!/^\d+$/.test(user.id)) {
        throw new ScmError('invalid', `\`${user.id.slice(0, 40)}\` is not a GitLab user id.`, {
          code: 'invalid_user',
        });
      }
      const member = await mrs.projectMember(repository.externalId, user.id);
      // A blocked or deactivated account keeps its membership but may not act.
      const active = member?.state === undefined || member.state === null || member.state === 'active';
      return member !== undefined && active && member.access_level >= writeAccessLevel;
    },
  };
}
