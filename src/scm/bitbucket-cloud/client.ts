import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import type { ScmRepositoryRef } from '../provider.js';
import {
  nextUrlPagination,
  requestOrRefusal,
  type AnswerReader,
  type RefusableAnswer,
  type ScmHttp,
  type ScmRequest,
} from '../http/index.js';
import {
  accountSchema,
  commitSchema,
  errorSchema,
  hookSchema,
  membershipSchema,
  pageSchema,
  repositorySchema,
  sourceMetaSchema,
  workspaceSchema,
  type BitbucketAccount,
  type BitbucketErrorBody,
  type BitbucketHook,
  type BitbucketMembership,
  type BitbucketRepository,
  type BitbucketSourceMeta,
  type BitbucketWorkspace,
} from './schemas.js';

/** Bitbucket's largest `pagelen`. */
export const bitbucketPageSize = 100;

/** An answer, or the refusal the caller wants to read rather than have thrown. */
export type BitbucketAnswer<T> = RefusableAnswer<T, BitbucketErrorBody>;

/** What a one-item probe of a collection found. */
export interface BitbucketProbe {
  readonly size: number | undefined;
}

/** What scm-connect writes to a workspace hook (`webhook_subscription`). */
export interface BitbucketHookBody {
  readonly description: string;
  readonly url: string;
  readonly active: boolean;
  readonly secret: string;
  readonly events: readonly string[];
}

/** Thin typed calls to Bitbucket Cloud API 2.0; every answer parsed with its zod schema. */
export interface BitbucketClient {
  workspace(workspace: string): Promise<BitbucketAnswer<BitbucketWorkspace>>;
  /** The account of an Atlassian API token (needs `read:user:bitbucket`); not offered to access tokens. */
  currentUser(): Promise<BitbucketAnswer<BitbucketAccount>>;
  /** The API token's own membership of the workspace, with its account (needs `read:workspace:bitbucket`). */
  ownMembership(workspace: string): Promise<BitbucketAnswer<BitbucketMembership>>;
  probeRepositories(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  probeMembers(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  probePermissions(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  repositories(workspace: string): AsyncIterable<BitbucketRepository>;
  /** Members with their workspace permission (not offered to access tokens). */
  permissions(workspace: string): AsyncIterable<BitbucketMembership>;
  /** Members without a role. */
  members(workspace: string): AsyncIterable<BitbucketMembership>;
  /** Workspace hooks, readable by workspace admins with `webhook` / `read:webhook:bitbucket`. */
  probeHooks(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  hooks(workspace: string): AsyncIterable<BitbucketHook>;
  /** Needs `webhook` (or `read:` and `write:webhook:bitbucket`) plus the scopes of the events. */
  createHook(workspace: string, body: BitbucketHookBody): Promise<BitbucketAnswer<BitbucketHook>>;
  updateHook(
    workspace: string,
    uid: string,
    body: BitbucketHookBody,
  ): Promise<BitbucketAnswer<BitbucketHook>>;
  /** Needs `webhook` / `delete:webhook:bitbucket`; 404 when the hook is gone. */
  deleteHook(workspace: string, uid: string): Promise<BitbucketAnswer<unknown>>;
  /**
   * What is at `encodedPath` (segments already percent-encoded) in a commit: a file with its size and
   * attributes, or a directory. Rejects `not-found` for a missing path, commit or repository alike.
   */
  sourceMeta(
    repository: BitbucketRepoPath,
    commit: string,
    encodedPath: string,
  ): Promise<BitbucketSourceMeta>;
  /** The raw bytes of a file; rejects `too-large` past `maxBytes`. */
  sourceContent(
    repository: BitbucketRepoPath,
    commit: string,
    encodedPath: string,
    maxBytes: number,
  ): Promise<Buffer>;
  /** Whether the repository has the commit: false for a 404 (unknown commit or repository). */
  commitExists(repository: BitbucketRepoPath, commit: string): Promise<boolean>;
}

/** A repository in a call: its workspace and slug, unencoded. */
export interface BitbucketRepoPath {
  readonly workspace: string;
  readonly slug: string;
}

const reader: AnswerReader<BitbucketErrorBody> = {
  refusal: (response) => errorSchema.catch({}).parse(response.data),
  invalid: (response, at) =>
    new ScmError(
      'invalid',
      `Bitbucket answered ${response.url.pathname} with an unexpected shape (at ${at}).`,
      {
        code: 'upstream_invalid_response',
        fix: 'Check that the API URL points at Bitbucket Cloud.',
      },
    ),
};
const encode = (workspace: string) => encodeURIComponent(workspace);
const repoPath = (repository: BitbucketRepoPath) =>
  `/2.0/repositories/${encode(repository.workspace)}/${encode(repository.slug)}`;

export function createBitbucketClient(http: ScmHttp): BitbucketClient {
  const answer = <T>(request: ScmRequest, schema: ZodType<T>) =>
    requestOrRefusal(http, request, schema, reader);
  const probe = (path: string) =>
    answer(
      { path, query: { pagelen: 1 } },
      pageSchema.transform((page) => ({ size: page.size ?? undefined })),
    );
  const pages = <T>(path: string, schema: ZodType<T>) =>
    http.paginate({ path }, nextUrlPagination({ pagelen: bitbucketPageSize }), schema);

  return {
    // GET /2.0/workspaces/{workspace}
    workspace: (workspace) => answer({ path: `/2.0/workspaces/${encode(workspace)}` }, workspaceSchema),
    // GET /2.0/user
    currentUser: () => answer({ path: '/2.0/user' }, accountSchema),
    // GET /2.0/user/workspaces/{workspace}/permission
    ownMembership: (workspace) =>
      answer({ path: `/2.0/user/workspaces/${encode(workspace)}/permission` }, membershipSchema),
    // GET /2.0/repositories/{workspace}?pagelen=1
    probeRepositories: (workspace) => probe(`/2.0/repositories/${encode(workspace)}`),
    // GET /2.0/workspaces/{workspace}/members?pagelen=1
    probeMembers: (workspace) => probe(`/2.0/workspaces/${encode(workspace)}/members`),
    // GET /2.0/workspaces/{workspace}/permissions?pagelen=1
    probePermissions: (workspace) => probe(`/2.0/workspaces/${encode(workspace)}/permissions`),
    // GET /2.0/repositories/{workspace}?pagelen=100, following `next`
    repositories: (workspace) => pages(`/2.0/repositories/${encode(workspace)}`, repositorySchema),
    // GET /2.0/workspaces/{workspace}/permissions?pagelen=100, following `next`
    permissions: (workspace) => pages(`/2.0/workspaces/${encode(workspace)}/permissions`, membershipSchema),
    // GET /2.0/workspaces/{workspace}/members?pagelen=100, following `next`
    members: (workspace) => pages(`/2.0/workspaces/${encode(workspace)}/members`, membershipSchema),
    // GET /2.0/workspaces/{workspace}/hooks?pagelen=1
    probeHooks: (workspace) => probe(`/2.0/workspaces/${encode(workspace)}/hooks`),
    // GET /2.0/workspaces/{workspace}/hooks?pagelen=100, following `next`
    hooks: (workspace) => pages(`/2.0/workspaces/${encode(workspace)}/hooks`, hookSchema),
    // POST /2.0/workspaces/{workspace}/hooks
    createHook: (workspace, body) =>
      answer({ method: 'POST', path: `/2.0/workspaces/${encode(workspace)}/hooks`, body }, hookSchema),
    // PUT /2.0/workspaces/{workspace}/hooks/{uid}
    updateHook: (workspace, uid, body) =>
      answer(
        {
          method: 'PUT',
          path: `/2.0/workspaces/${encode(workspace)}/hooks/${encodeURIComponent(uid)}`,
          body,
        },
        hookSchema,
      ),
    async sourceMeta(repository, commit, encodedPath) {
      // GET /2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path}?format=meta
      const response = await http.request(
        { path: `${repoPath(repository)}/src/${encode(commit)}/${encodedPath}`, query: { format: 'meta' } },
        sourceMetaSchema,
      );
      return response.data;
    },
    async sourceContent(repository, commit, encodedPath, maxBytes) {
      // GET /2.0/repositories/{workspace}/{repo_slug}/src/{commit}/{path} (the raw file)
      const response = await http.request(
        {
          path: `${repoPath(repository)}/src/${encode(commit)}/${encodedPath}`,
          headers: { accept: '*/*' },
          responseType: 'bytes',
          maxResponseBytes: maxBytes,
        },
        z.instanceof(Buffer),
      );
      return response.data;
    },
    async commitExists(repository, commit) {
      // GET /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}
      const found = await requestOrRefusal(
        http,
        { path: `${repoPath(repository)}/commit/${encode(commit)}` },
        commitSchema,
        { ...reader, refused: [404] },
      );
      return found.ok;
    },
    // DELETE /2.0/workspaces/{workspace}/hooks/{uid}
    deleteHook: (workspace, uid) =>
      answer(
        { method: 'DELETE', path: `/2.0/workspaces/${encode(workspace)}/hooks/${encodeURIComponent(uid)}` },
        z.unknown(),
      ),
  };
}

/** `workspace/slug` of a repository reference; refuses anything else. */
export function repoPathOf(repository: ScmRepositoryRef): BitbucketRepoPath {
  const parts = repository.fullName.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ScmError(
      'invalid',
      `${JSON.stringify(repository.fullName.slice(0, 200))} is not a Bitbucket \`workspace/slug\` name.`,
      { code: 'invalid_repository' },
    );
  }
  return { workspace: parts[0], slug: parts[1] };
}
