import { z } from 'zod';
import { ScmError } from '../errors.js';
import { linkHeaderPagination, requestOrRefusal, type AnswerReader, type ScmHttp } from '../http/index.js';
import { gitlabPageSize } from './client.js';
import {
  commitStatusSchema,
  discussionSchema,
  memberSchema,
  mergeRequestDiffSchema,
  mergeRequestSchema,
  messageSchema,
  noteSchema,
  type GitLabDiscussion,
  type GitLabMember,
  type GitLabMergeRequest,
  type GitLabMergeRequestDiff,
  type GitLabNote,
} from './schemas.js';

/** A refusal whose `{"message": …}` the caller reads (GitLab's 400 for a position outside the diff, a status). */
export type GitLabMessageAnswer<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly status: number; readonly message: string };

/** A merge request of a project: the project by id (`externalId`), the merge request by `iid`. */
export interface MergeRequestAt {
  readonly projectId: string;
  readonly iid: number;
}

/** The `position` of a new diff thread (Discussions API, "Create a new thread in the merge request diff"). */
export interface GitLabDiffPosition {
  readonly position_type: 'text';
  readonly base_sha: string;
  readonly start_sha: string;
  readonly head_sha: string;
  readonly old_path: string;
  readonly new_path: string;
  readonly new_line: number;
  readonly old_line?: number;
  readonly line_range?: {
    readonly start: { readonly line_code: string; readonly type: 'new' | 'old' };
    readonly end: { readonly line_code: string; readonly type: 'new' | 'old' };
  };
}

/** What scm-connect sends to `POST /projects/:id/statuses/:sha`. */
export interface GitLabStatusBody {
  readonly state: 'pending' | 'running' | 'success' | 'failed' | 'canceled';
  readonly name: string;
  readonly target_url: string;
  readonly description: string;
}

/** Typed calls on merge requests: notes, discussions, diffs, commit statuses, project members. */
export interface GitLabMergeRequestClient {
  mergeRequest(at: MergeRequestAt): Promise<GitLabMergeRequest>;
  /** Every changed file with its diff text, page by page. */
  diffs(at: MergeRequestAt): AsyncIterable<GitLabMergeRequestDiff>;
  /** Every thread (individual notes too), oldest first, page by page. */
  discussions(at: MergeRequestAt): AsyncIterable<GitLabDiscussion>;
  createNote(at: MergeRequestAt, body: string): Promise<GitLabNote>;
  updateNote(at: MergeRequestAt, noteId: string, body: string): Promise<GitLabNote>;
  updateDiscussionNote(
    at: MergeRequestAt,
    discussionId: string,
    noteId: string,
    body: string,
  ): Promise<GitLabNote>;
  /** False when the note was already gone (404). */
  deleteNote(at: MergeRequestAt, noteId: string): Promise<boolean>;
  /** A diff thread; a 400 (a position GitLab does not find in the diff) comes back as a refusal. */
  createDiffThread(
    at: MergeRequestAt,
    body: string,
    position: GitLabDiffPosition,
  ): Promise<GitLabMessageAnswer<GitLabDiscussion>>;
  reply(at: MergeRequestAt, discussionId: string, body: string): Promise<GitLabNote>;
  resolve(at: MergeRequestAt, discussionId: string, resolved: boolean): Promise<void>;
  /** A 400 (a transition GitLab refuses) comes back as a refusal. */
  setStatus(projectId: string, sha: string, body: GitLabStatusBody): Promise<GitLabMessageAnswer<unknown>>;
  /** The user's membership of the project, inherited included; undefined when not a member (404). */
  projectMember(projectId: string, userId: string): Promise<GitLabMember | undefined>;
}

const invalid: AnswerReader<unknown>['invalid'] = (response, at) =>
  new ScmError('invalid', `GitLab answered ${response.url.pathname} with an unexpected shape (at ${at}).`, {
    code: 'upstream_invalid_response',
    fix: 'Check that the URL points at a GitLab instance.',
  });

/** GitLab's `message`, a string or a map of field → messages, as one line of text. */
function messageOf(data: unknown): string {
  const message = messageSchema.catch({}).parse(data).message;
  if (typeof message === 'string') return message;
  if (message === undefined) return '';
  return JSON.stringify(message);
}

const encode = (value: string | number) => encodeURIComponent(String(value));
const mrPath = (at: MergeRequestAt) =>
  `/api/v4/projects/${encode(at.projectId)}/merge_requests/${encode(at.iid)}`;

export function createGitLabMergeRequestClient(http: ScmHttp): GitLabMergeRequestClient {
  const paging = linkHeaderPagination({ perPage: gitlabPageSize });

  async function messageAnswer<T>(
    request: Parameters<ScmHttp['request']>[0],
    schema: z.ZodType<T>,
  ): Promise<GitLabMessageAnswer<T>> {
    const answer = await requestOrRefusal(http, request, schema, {
      refused: [400],
      refusal: (response) => messageOf(response.data),
      invalid,
    });
    return answer.ok
      ? { ok: true, data: answer.data }
      : { ok: false, status: answer.status, message: answer.refusal };
  }

  const note = async (request: Parameters<ScmHttp['request']>[0]) =>
    (await http.request(request, noteSchema)).data;

  return {
    async mergeRequest(at) {
      // GET /api/v4/projects/:id/merge_requests/:iid
      return (await http.request({ path: mrPath(at) }, mergeRequestSchema)).data;
    },
    // GET /api/v4/projects/:id/merge_requests/:iid/diffs
    diffs: (at) => http.paginate({ path: `${mrPath(at)}/diffs` }, paging, mergeRequestDiffSchema),
    // GET /api/v4/projects/:id/merge_requests/:iid/discussions
    discussions: (at) => http.paginate({ path: `${mrPath(at)}/discussions` }, paging, discussionSchema),
    // POST /api/v4/projects/:id/merge_requests/:iid/notes
    createNote: (at, body) => note({ method: 'POST', path: `${mrPath(at)}/notes`, body: { body } }),
    // PUT /api/v4/projects/:id/merge_requests/:iid/notes/:note_id
    updateNote: (at, noteId, body) =>
      note({ method: 'PUT', path: `${mrPath(at)}/notes/${encode(noteId)}`, body: { body } }),
    // PUT /api/v4/projects/:id/merge_requests/:iid/discussions/:discussion_id/notes/:note_id
    updateDiscussionNote: (at, discussionId, noteId, body) =>
      note({
        method: 'PUT',
        path: `${mrPath(at)}/discussions/${encode(discussionId)}/notes/${encode(noteId)}`,
        body: { body },
      }),
    async deleteNote(at, noteId) {
      // DELETE /api/v4/projects/:id/merge_requests/:iid/notes/:note_id
      const response = await http.request({
        method: 'DELETE',
        path: `${mrPath(at)}/notes/${encode(noteId)}`,
        acceptStatus: [404],
      });
      return response.status !== 404;
    },
    // POST /api/v4/projects/:id/merge_requests/:iid/discussions (with `position`)
    createDiffThread: (at, body, position) =>
      messageAnswer(
        { method: 'POST', path: `${mrPath(at)}/discussions`, body: { body, position } },
        discussionSchema,
      ),
    // POST /api/v4/projects/:id/merge_requests/:iid/discussions/:discussion_id/notes
    reply: (at, discussionId, body) =>
      note({
        method: 'POST',
        path: `${mrPath(at)}/discussions/${encode(discussionId)}/notes`,
        body: { body },
      }),
    async resolve(at, discussionId, resolved) {
      // PUT /api/v4/projects/:id/merge_requests/:iid/discussions/:discussion_id?resolved=
      await http.request({
        method: 'PUT',
        path: `${mrPath(at)}/discussions/${encode(discussionId)}`,
        query: { resolved },
      });
    },
    // POST /api/v4/projects/:id/statuses/:sha
    setStatus: (projectId, sha, body) =>
      messageAnswer(
        { method: 'POST', path: `/api/v4/projects/${encode(projectId)}/statuses/${encode(sha)}`, body },
        commitStatusSchema,
      ),
    async projectMember(projectId, userId) {
      // GET /api/v4/projects/:id/members/all/:user_id
      const answer = await requestOrRefusal(
        http,
        { path: `/api/v4/projects/${encode(projectId)}/members/all/${encode(userId)}` },
        memberSchema,
        { refused: [404], refusal: () => undefined, invalid },
      );
      return answer.ok ? answer.data : undefined;
    },
  };
}
