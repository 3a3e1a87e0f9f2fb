import { z } from 'zod';
import { ScmError } from '../errors.js';
import {
  linkHeaderPagination,
  requestOrRefusal,
  type AnswerReader,
  type RefusableAnswer,
  type ScmHttp,
} from '../http/index.js';
import {
  commitSchema,
  groupSchema,
  hookSchema,
  memberSchema,
  projectSchema,
  refusalSchema,
  repositoryFileSchema,
  tokenSelfSchema,
  userSchema,
  versionSchema,
  type GitLabGroup,
  type GitLabHook,
  type GitLabMember,
  type GitLabProject,
  type GitLabRefusal,
  type GitLabRepositoryFile,
  type GitLabTokenSelf,
  type GitLabUser,
} from './schemas.js';

/** GitLab's largest page size. */
export const gitlabPageSize = 100;

/** An answer that may be a refusal the caller wants to read rather than have thrown. */
export type GitLabAnswer<T> = RefusableAnswer<T, GitLabRefusal>;

/** What a one-item probe of a collection found. */
export interface GitLabProbe {
  /** `x-total` when GitLab sends it (it leaves it out above 10,000 records). */
  readonly total: number | undefined;
  readonly empty: boolean;
}

/** Thin typed calls to GitLab REST v4; every answer parsed with its zod schema. */
export interface GitLabClient {
  /** Describes the token itself; 401 / 403 / 404 come back as refusals (404: GitLab < 15.5 or a token kind that cannot). */
  tokenSelf(): Promise<GitLabAnswer<GitLabTokenSelf>>;
  /** The user (or bot user) the token acts as; 401 / 403 come back as refusals. */
  currentUser(): Promise<GitLabAnswer<GitLabUser>>;
  version(): Promise<string>;
  /** A group by full path or id; 401 / 403 / 404 come back as refusals. */
  group(idOrPath: string): Promise<GitLabAnswer<GitLabGroup>>;
  /** Every project of the group and its subgroups (not projects shared into it), id order. */
  projects(groupId: string): AsyncIterable<GitLabProject>;
  probeProjects(groupId: string): Promise<GitLabProbe>;
  /** Direct and inherited members, one entry per user with the highest access level. */
  members(groupId: string): AsyncIterable<GitLabMember>;
  probeMembers(groupId: string): Promise<GitLabProbe>;
  /**
   * One direct or inherited member by user id, at their highest access level; undefined when not a member (404).
   * Rejects `not-found` / `target_not_found` when the group itself is not visible.
   */
  member(groupId: string, userId: string): Promise<GitLabMember | undefined>;
  /** The first page of the group's hooks; 401 / 403 / 404 come back as refusals (404: not Premium, or gone). */
  probeHooks(groupId: string): Promise<GitLabAnswer<readonly GitLabHook[]>>;
  /** Every hook of the group (Owner role and Premium needed; call `probeHooks` first to read a refusal). */
  hooks(groupId: string): AsyncIterable<GitLabHook>;
  createHook(groupId: string, body: GitLabHookBody): Promise<GitLabAnswer<GitLabHook>>;
  updateHook(groupId: string, hookId: string, body: GitLabHookBody): Promise<GitLabAnswer<GitLabHook>>;
  deleteHook(groupId: string, hookId: string): Promise<GitLabAnswer<unknown>>;
  /**
   * A file of a project at `ref` (`filePath` unencoded; the whole path is encoded into one segment). Rejects
   * `too-large` for an answer over `maxBytes`, `not-found` for a missing file, commit or project.
   */
  file(projectId: string, filePath: string, ref: string, maxBytes: number): Promise<GitLabRepositoryFile>;
  /** Whether the project has the commit: false for a 404 (unknown commit or project). */
  commitExists(projectId: string, sha: string): Promise<boolean>;
}

/** What scm-connect sends to create or edit a group hook: `url`, `token`, the event flags. */
export type GitLabHookBody = Readonly<Record<string, string | boolean>>;

const reader: AnswerReader<GitLabRefusal> = {
  refusal: (response) => refusalSchema.catch({}).parse(response.data),
  invalid: (response, at) =>
    new ScmError('invalid', `GitLab answered ${response.url.pathname} with an unexpected shape (at ${at}).`, {
      code: 'upstream_invalid_response',
      fix: 'Check that the URL points at a GitLab instance.',
    }),
};
const encode = (idOrPath: string) => encodeURIComponent(idOrPath);

export function createGitLabClient(http: ScmHttp): GitLabClient {
  async function probe(path: string, query: Record<string, string | boolean>): Promise<GitLabProbe> {
    const response = await http.request({ path, query: { ...query, per_page: 1 } });
    const items = Array.isArray(response.data) ? response.data : [];
    const total = Number.parseInt(response.headers['x-total'] ?? '', 10);
    return { total: Number.isNaN(total) ? undefined : total, empty: items.length === 0 };
  }

  const projectsQuery = { include_subgroups: true, with_shared: false };

  async function* projects(groupId: string): AsyncGenerator<GitLabProject> {
    const path = `/api/v4/groups/${encode(groupId)}/projects`;
    let yielded = 0;
    try {
      // GET /api/v4/groups/:id/projects?include_subgroups=true&pagination=keyset&order_by=id
      for await (const project of http.paginate(
        { path, query: { ...projectsQuery, pagination: 'keyset', order_by: 'id', sort: 'asc' } },
        linkHeaderPagination({ perPage: gitlabPageSize }),
        projectSchema,
      )) {
        yielded += 1;
        yield project;
      }
      return;
    } catch (error) {
      // Instances without keyset pagination on this endpoint answer 405 (or 400) to the first page.
      const keysetRefused =
        error instanceof ScmError && yielded === 0 && (error.status === 405 || error.status === 400);
      if (!keysetRefused) throw error;
    }
    // GET /api/v4/groups/:id/projects?include_subgroups=true&page=N (offset pagination)
    yield* http.paginate(
      { path, query: { ...projectsQuery, order_by: 'id', sort: 'asc' } },
      linkHeaderPagination({ perPage: gitlabPageSize }),
      projectSchema,
    );
  }

  return {
    // GET /api/v4/personal_access_tokens/self
    tokenSelf: () =>
      requestOrRefusal(http, { path: '/api/v4/personal_access_tokens/self' }, tokenSelfSchema, reader),
    // GET /api/v4/user
    currentUser: () => requestOrRefusal(http, { path: '/api/v4/user' }, userSchema, reader),
    async version() {
      // GET /api/v4/version
      const response = await http.request({ path: '/api/v4/version' }, versionSchema);
      return response.data.version;
    },
    // GET /api/v4/groups/:id
    group: (idOrPath) =>
      requestOrRefusal(
        http,
        { path: `/api/v4/groups/${encode(idOrPath)}`, query: { with_projects: false } },
        groupSchema,
        reader,
      ),
    projects,
    // GET /api/v4/groups/:id/projects?per_page=1
    probeProjects: (groupId) => probe(`/api/v4/groups/${encode(groupId)}/projects`, projectsQuery),
    members: (groupId) =>
      // GET /api/v4/groups/:id/members/all
      http.paginate(
        { path: `/api/v4/groups/${encode(groupId)}/members/all` },
        linkHeaderPagination({ perPage: gitlabPageSize }),
        memberSchema,
      ),
    // GET /api/v4/groups/:id/members/all?per_page=1
    probeMembers: (groupId) => probe(`/api/v4/groups/${encode(groupId)}/members/all`, {}),
    async member(groupId, userId) {
      // GET /api/v4/groups/:id/members/all/:user_id
      const answer = await requestOrRefusal(
        http,
        { path: `/api/v4/groups/${encode(groupId)}/members/all/${encode(userId)}` },
        memberSchema,
        { ...reader, refused: [404] },
      );
      if (answer.ok) return answer.data;
      // GitLab names the group when the group itself is unknown or hidden from the token ("404 Group Not Found").
      if (typeof answer.refusal.message === 'string' && /group/i.test(answer.refusal.message)) {
        throw new ScmError(
          'not-found',
          `GitLab group ${groupId} was not found, or the token cannot see it.`,
          {
            code: 'target_not_found',
            status: 404,
            fix: "Check that the connection's token still reaches the group.",
          },
        );
      }
      return undefined;
    },
    // GET /api/v4/groups/:id/hooks?per_page=100
    probeHooks: (groupId) =>
      requestOrRefusal(
        http,
        { path: `/api/v4/groups/${encode(groupId)}/hooks`, query: { per_page: gitlabPageSize } },
        z.array(hookSchema),
        reader,
      ),
    hooks: (groupId) =>
      // GET /api/v4/groups/:id/hooks
      http.paginate(
        { path: `/api/v4/groups/${encode(groupId)}/hooks` },
        linkHeaderPagination({ perPage: gitlabPageSize }),
        hookSchema,
      ),
    // POST /api/v4/groups/:id/hooks
    createHook: (groupId, body) =>
      requestOrRefusal(
        http,
        { method: 'POST', path: `/api/v4/groups/${encode(groupId)}/hooks`, body },
        hookSchema,
        reader,
      ),
    // PUT /api/v4/groups/:id/hooks/:hook_id
    updateHook: (groupId, hookId, body) =>
      requestOrRefusal(
        http,
        { method: 'PUT', path: `/api/v4/groups/${encode(groupId)}/hooks/${encode(hookId)}`, body },
        hookSchema,
        reader,
      ),
    async file(projectId, filePath, ref, maxBytes) {
      // GET /api/v4/projects/:id/repository/files/:file_path?ref=
      const response = await http.request(
        {
          path: `/api/v4/projects/${encode(projectId)}/repository/files/${encode(filePath)}`,
          query: { ref },
          maxResponseBytes: maxBytes,
        },
        repositoryFileSchema,
      );
      return response.data;
    },
    async commitExists(projectId, sha) {
      // GET /api/v4/projects/:id/repository/commits/:sha
      const answer = await requestOrRefusal(
        http,
        { path: `/api/v4/projects/${encode(projectId)}/repository/commits/${encode(sha)}` },
        commitSchema,
        { ...reader, refused: [404] },
      );
      return answer.ok;
    },
    // DELETE /api/v4/groups/:id/hooks/:hook_id
    deleteHook: (groupId, hookId) =>
      requestOrRefusal(
        http,
        { method: 'DELETE', path: `/api/v4/groups/${encode(groupId)}/hooks/${encode(hookId)}` },
        z.unknown(),
        reader,
      ),
  };
}
