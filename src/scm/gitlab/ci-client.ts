import { z } from 'zod';
import { ScmError } from '../errors.js';
import { maxEncodedFileAnswerBytes } from '../files.js';
import { requestOrRefusal, type AnswerReader, type ScmHttp, type ScmRequest } from '../http/index.js';
import {
  branchSchema,
  createdCommitSchema,
  mergeRequestSchema,
  projectDetailSchema,
  repositoryFileSchema,
  variableSchema,
  type GitLabBranch,
  type GitLabCreatedCommit,
  type GitLabMergeRequest,
  type GitLabProjectDetail,
  type GitLabRepositoryFile,
} from './schemas.js';

/** What GitLab said when it refused a call, as far as scm-connect decides on it; never shown to anyone. */
export interface GitLabCiRefusal {
  readonly status: number;
  /** `message` when it is a string (`404 File Not Found`, `403 Forbidden - You are not allowed to push…`). */
  readonly text: string;
  /** The fields a validation failure names (`{"message": {"value": ["is invalid"]}}` → `value`). */
  readonly fields: readonly string[];
  /** `error`: OAuth's `insufficient_scope`, or a parameter error (`key is missing`). */
  readonly error: string;
}

export type GitLabCiAnswer<T> =
  { readonly ok: true; readonly data: T } | { readonly ok: false; readonly refusal: GitLabCiRefusal };

/** One create/update action of "Create a commit with multiple files and actions". */
export interface GitLabCommitAction {
  readonly action: 'create' | 'update';
  readonly file_path: string;
  readonly content: string;
  readonly encoding: 'text';
}

/** The CI/CD variable fields scm-connect sets. */
export interface GitLabVariableBody {
  readonly value: string;
  readonly masked: boolean;
  readonly protected: boolean;
  readonly raw: boolean;
  readonly variable_type: 'env_var';
}

/**
 * Typed calls for CI files and CI/CD variables. Refusals (400, 403, 404, 409, 422) come back to be read; 401,
 * 5xx, rate limits and transport failures throw as everywhere else. Projects by id (`externalId`); every path
 * parameter is percent-encoded as one segment (`scanner%2Fadd-ci`, `.gitlab-ci.yml`).
 */
export interface GitLabCiClient {
  project(projectId: string): Promise<GitLabCiAnswer<GitLabProjectDetail>>;
  branch(projectId: string, branch: string): Promise<GitLabCiAnswer<GitLabBranch>>;
  createBranch(projectId: string, branch: string, ref: string): Promise<GitLabCiAnswer<GitLabBranch>>;
  file(projectId: string, path: string, ref: string): Promise<GitLabCiAnswer<GitLabRepositoryFile>>;
  commit(
    projectId: string,
    branch: string,
    message: string,
    action: GitLabCommitAction,
  ): Promise<GitLabCiAnswer<GitLabCreatedCommit>>;
  /** The first open merge request whose source branch is `branch`. */
  openMergeRequest(
    projectId: string,
    branch: string,
  ): Promise<GitLabCiAnswer<GitLabMergeRequest | undefined>>;
  createMergeRequest(
    projectId: string,
    body: { source_branch: string; target_branch: string; title: string; description: string },
  ): Promise<GitLabCiAnswer<GitLabMergeRequest>>;
  /** The variable of `key` for all environments (`filter[environment_scope]=*`). */
  variable(projectId: string, key: string): Promise<GitLabCiAnswer<unknown>>;
  createVariable(projectId: string, key: string, body: GitLabVariableBody): Promise<GitLabCiAnswer<unknown>>;
  updateVariable(projectId: string, key: string, body: GitLabVariableBody): Promise<GitLabCiAnswer<unknown>>;
}

const refusalBody = z.object({ message: z.unknown().optional(), error: z.unknown().optional() }).catch({});

const reader: AnswerReader<GitLabCiRefusal> = {
  refused: [400, 403, 404, 409, 422],
  refusal(response) {
    const body = refusalBody.parse(response.data);
    const message = body.message;
    const fields =
      message !== null && typeof message === 'object' && !Array.isArray(message) ? Object.keys(message) : [];
    return {
      status: response.status,
      text: typeof message === 'string' ? message : '',
      fields,
      error: typeof body.error === 'string' ? body.error : '',
    };
  },
  invalid: (response, at) =>
    new ScmError('invalid', `GitLab answered ${response.url.pathname} with an unexpected shape (at ${at}).`, {
      code: 'upstream_invalid_response',
      fix: 'Check that the URL points at a GitLab instance.',
    }),
};

const encode = (value: string) => encodeURIComponent(value);
const allEnvironments = { 'filter[environment_scope]': '*' };

export function createGitLabCiClient(http: ScmHttp): GitLabCiClient {
  async function send<T>(request: ScmRequest, schema: z.ZodType<T>): Promise<GitLabCiAnswer<T>> {
    const answer = await requestOrRefusal(http, request, schema, reader);
    return answer.ok ? { ok: true, data: answer.data } : { ok: false, refusal: answer.refusal };
  }
  const projectPath = (projectId: string) => `/api/v4/projects/${encode(projectId)}`;

  return {
    // GET /api/v4/projects/:id
    project: (projectId) => send({ path: projectPath(projectId) }, projectDetailSchema),
    // GET /api/v4/projects/:id/repository/branches/:branch
    branch: (projectId, branch) =>
      send({ path: `${projectPath(projectId)}/repository/branches/${encode(branch)}` }, branchSchema),
    // POST /api/v4/projects/:id/repository/branches
    createBranch: (projectId, branch, ref) =>
      send(
        { method: 'POST', path: `${projectPath(projectId)}/repository/branches`, body: { branch, ref } },
        branchSchema,
      ),
    // GET /api/v4/projects/:id/repository/files/:file_path?ref=
    file: (projectId, path, ref) =>
      send(
        {
          path: `${projectPath(projectId)}/repository/files/${encode(path)}`,
          query: { ref },
          maxResponseBytes: maxEncodedFileAnswerBytes,
        },
        repositoryFileSchema,
      ),
    // POST /api/v4/projects/:id/repository/commits
    commit: (projectId, branch, message, action) =>
      send(
        {
          method: 'POST',
          path: `${projectPath(projectId)}/repository/commits`,
          body: { branch, commit_message: message, actions: [action] },
        },
        createdCommitSchema,
      ),
    async openMergeRequest(projectId, branch) {
      // GET /api/v4/projects/:id/merge_requests?state=opened&source_branch=
      const answer = await send(
        {
          path: `${projectPath(projectId)}/merge_requests`,
          query: { state: 'opened', source_branch: branch, per_page: 1 },
        },
        z.array(mergeRequestSchema),
      );
      return answer.ok ? { ok: true, data: answer.data[0] } : answer;
    },
    // POST /api/v4/projects/:id/merge_requests
    createMergeRequest: (projectId, body) =>
      send(
        {
          method: 'POST',
          path: `${projectPath(projectId)}/merge_requests`,
          body: { ...body, remove_source_branch: true },
        },
        mergeRequestSchema,
      ),
    // GET /api/v4/projects/:id/variables/:key?filter[environment_scope]=*
    variable: (projectId, key) =>
      send(
        { path: `${projectPath(projectId)}/variables/${encode(key)}`, query: allEnvironments },
        variableSchema,
      ),
    // POST /api/v4/projects/:id/variables
    createVariable: (projectId, key, body) =>
      send(
        {
          method: 'POST',
          path: `${projectPath(projectId)}/variables`,
          body: { key, ...body, environment_scope: '*' },
        },
        variableSchema,
      ),
    // PUT /api/v4/projects/:id/variables/:key?filter[environment_scope]=*
    updateVariable: (projectId, key, body) =>
      send(
        {
          method: 'PUT',
          path: `${projectPath(projectId)}/variables/${encode(key)}`,
          query: allEnvironments,
          body,
        },
        variableSchema,
      ),
  };
}
