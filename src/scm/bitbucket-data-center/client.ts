import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import {
  parseAnswer,
  requestOrRefusal,
  startLimitPagination,
  type AnswerReader,
  type RefusableAnswer,
  type ScmHttp,
  type ScmRequest,
  type ScmResponse,
} from '../http/index.js';
import { branchName, type DefaultBranchResource } from './default-branch.js';
import {
  applicationPropertiesSchema,
  commitSchema,
  defaultBranchSchema,
  errorsSchema,
  pathTypeSchema,
  projectSchema,
  repositorySchema,
  userPermissionSchema,
  userSchema,
  webhookSchema,
  type BbdcApplicationProperties,
  type BbdcProject,
  type BbdcRepository,
  type BbdcUser,
  type BbdcUserPermission,
  type BbdcWebhook,
} from './schemas.js';

/** Data Center's default cap on `limit` (an admin can lower or raise it; the server answers what it used). */
export const bbdcPageLimit = 1000;

const api = '/rest/api/1.0';
const branchUtils = '/rest/branch-utils/1.0';

/**
 * Why Data Center refused. It answers 401 both for a bad token (`IncorrectPasswordAuthenticationException`,
 * "Authentication failed") and for a valid token that lacks a permission (`AuthorisationException`), so the
 * error body tells them apart.
 */
export type BbdcRefusal = 'bad-credentials' | 'not-permitted' | 'not-found' | 'rejected';

export type BbdcAnswer<T> = RefusableAnswer<T, BbdcRefusal>;

/** What a side-effect-free permission probe proved. */
export type PermissionProbe = 'granted' | 'denied' | 'unknown';

/** What scm-connect writes to a project webhook (`RestWebhook`). */
export interface BbdcWebhookBody {
  readonly name: string;
  readonly url: string;
  readonly active: boolean;
  readonly events: readonly string[];
  readonly configuration: { readonly secret: string };
}

/** Thin typed calls to the Data Center REST API; every answer parsed with its zod schema. */
export interface BbdcClient {
  applicationProperties(): Promise<BbdcAnswer<BbdcApplicationProperties>>;
  project(key: string): Promise<BbdcAnswer<BbdcProject>>;
  /** The user name the token acts as; empty when the request counted as anonymous. */
  whoami(): Promise<string>;
  /** A user by slug, with the numeric id that stays when the user is renamed. */
  user(slug: string): Promise<BbdcAnswer<BbdcUser>>;
  /** Every repository of the project, `limit=1000` per page, following `nextPageStart`. */
  repositories(key: string): AsyncIterable<BbdcRepository>;
  /**
   * The repository's default branch name, or `null` when the server names none: `…/branches/default` answers
   * 204 for an empty repository (404 before 5.6) and 404 when the configured branch was never pushed.
   */
  defaultBranch(key: string, slug: string, resource: DefaultBranchResource): Promise<string | null>;
  /** The first repository of the project (`undefined` for an empty project), or the refusal. */
  firstRepository(key: string): Promise<BbdcAnswer<BbdcRepository | undefined>>;
  /** Users granted a permission on the project (needs PROJECT_ADMIN). */
  userPermissions(key: string): AsyncIterable<BbdcUserPermission>;
  /** PROJECT_ADMIN: reading the project's user permissions. */
  probeProjectAdmin(key: string): Promise<PermissionProbe>;
  /** PROJECT_ADMIN on webhooks: reading the project's webhooks. */
  probeWebhooks(key: string): Promise<PermissionProbe>;
  /**
   * REPO_WRITE: asks to create a branch from a commit that cannot exist. Data Center checks the permission
   * first (401 without it) and then refuses the start point, so nothing is ever created.
   */
  probeRepositoryWrite(key: string, slug: string): Promise<PermissionProbe>;
  /** The first webhook of the project, or the refusal (PROJECT_ADMIN needed). */
  firstWebhook(key: string): Promise<BbdcAnswer<BbdcWebhook | undefined>>;
  /** Every webhook of the project (PROJECT_ADMIN). */
  webhooks(key: string): AsyncIterable<BbdcWebhook>;
  createWebhook(key: string, body: BbdcWebhookBody): Promise<BbdcAnswer<BbdcWebhook>>;
  updateWebhook(key: string, id: string, body: BbdcWebhookBody): Promise<BbdcAnswer<BbdcWebhook>>;
  /** 404 when the webhook (or the project) is gone. */
  deleteWebhook(key: string, id: string): Promise<BbdcAnswer<unknown>>;
  /**
   * What `encodedPath` (segments already percent-encoded) is at `commit`: `FILE`, `DIRECTORY` or `SUBMODULE`.
   * A missing path, commit or repository is the refusal `not-found`.
   */
  pathType(key: string, slug: string, commit: string, encodedPath: string): Promise<BbdcAnswer<string>>;
  /** The raw bytes of a file at `commit`; rejects `too-large` past `maxBytes`. */
  rawFile(key: string, slug: string, commit: string, encodedPath: string, maxBytes: number): Promise<Buffer>;
  /** A commit of the repository by its id; `not-found` (or `rejected` for an id it refuses) when unknown. */
  commit(key: string, slug: string, commitId: string): Promise<BbdcAnswer<unknown>>;
}

const refusedStatuses = [400, 401, 403, 404, 409];
const key = (projectKey: string) => encodeURIComponent(projectKey);
const repoPath = (projectKey: string, slug: string) =>
  `${api}/projects/${key(projectKey)}/repos/${encodeURIComponent(slug)}`;
const impossibleCommit = '0'.repeat(40);

const reader: AnswerReader<BbdcRefusal> = {
  refused: refusedStatuses,
  refusal: refusalOf,
  invalid: (response) =>
    new ScmError(
      'invalid',
      `The answer to ${response.url.pathname} is not what Bitbucket Data Center sends.`,
      {
        code: 'upstream_invalid_response',
        fix: 'Check that the URL points at Bitbucket Data Center (including any context path such as /bitbucket).',
      },
    ),
};

export function createBbdcClient(http: ScmHttp): BbdcClient {
  const answer = <T>(request: ScmRequest, schema: ZodType<T>) =>
    requestOrRefusal(http, request, schema, reader);

  async function probe(path: string): Promise<PermissionProbe> {
    const response = await http.request({ path, query: { limit: 1 }, acceptStatus: refusedStatuses });
    if (response.status >= 200 && response.status < 300) return 'granted';
    return refusalOf(response) === 'not-permitted' ? 'denied' : 'unknown';
  }

  return {
    // GET /rest/api/1.0/application-properties
    applicationProperties: () =>
      answer({ path: `${api}/application-properties` }, applicationPropertiesSchema),

    // GET /rest/api/1.0/projects/{KEY}
    project: (projectKey) => answer({ path: `${api}/projects/${key(projectKey)}` }, projectSchema),

    async whoami() {
      // GET /plugins/servlet/applinks/whoami (plain text)
      const response = await http.request({ path: '/plugins/servlet/applinks/whoami', acceptStatus: [404] });
      return response.status === 200 && typeof response.data === 'string' ? response.data.trim() : '';
    },

    // GET /rest/api/1.0/users/{userSlug}
    user: (slug) => answer({ path: `${api}/users/${encodeURIComponent(slug)}` }, userSchema),

    async defaultBranch(projectKey, slug, resource) {
      // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/default-branch (7.5+) or …/branches/default (before)
      const response = await http.request({
        path: `${api}/projects/${key(projectKey)}/repos/${encodeURIComponent(slug)}/${resource}`,
        acceptStatus: [404],
      });
      if (response.status !== 200) return null;
      return branchName(parseAnswer(defaultBranchSchema, response, reader.invalid));
    },

    repositories: (projectKey) =>
      // GET /rest/api/1.0/projects/{KEY}/repos?start=&limit=1000
      http.paginate(
        { path: `${api}/projects/${key(projectKey)}/repos` },
        startLimitPagination({ limit: bbdcPageLimit }),
        repositorySchema,
      ),

    async firstRepository(projectKey) {
      // GET /rest/api/1.0/projects/{KEY}/repos?limit=1
      const page = await answer(
        { path: `${api}/projects/${key(projectKey)}/repos`, query: { limit: 1 } },
        pageOf(repositorySchema),
      );
      return page.ok ? { ...page, data: page.data.values[0] } : page;
    },

    userPermissions: (projectKey) =>
      // GET /rest/api/1.0/projects/{KEY}/permissions/users?start=&limit=1000
      http.paginate(
        { path: `${api}/projects/${key(projectKey)}/permissions/users` },
        startLimitPagination({ limit: bbdcPageLimit }),
        userPermissionSchema,
      ),

    // GET /rest/api/1.0/projects/{KEY}/permissions/users?limit=1
    probeProjectAdmin: (projectKey) => probe(`${api}/projects/${key(projectKey)}/permissions/users`),

    // GET /rest/api/1.0/projects/{KEY}/webhooks?limit=1
    probeWebhooks: (projectKey) => probe(`${api}/projects/${key(projectKey)}/webhooks`),

    async firstWebhook(projectKey) {
      // GET /rest/api/1.0/projects/{KEY}/webhooks?limit=1
      const page = await answer(
        { path: `${api}/projects/${key(projectKey)}/webhooks`, query: { limit: 1 } },
        pageOf(webhookSchema),
      );
      return page.ok ? { ...page, data: page.data.values[0] } : page;
    },

    webhooks: (projectKey) =>
      // GET /rest/api/1.0/projects/{KEY}/webhooks?start=&limit=1000
      http.paginate(
        { path: `${api}/projects/${key(projectKey)}/webhooks` },
        startLimitPagination({ limit: bbdcPageLimit }),
        webhookSchema,
      ),

    // POST /rest/api/1.0/projects/{KEY}/webhooks
    createWebhook: (projectKey, body) =>
      answer({ method: 'POST', path: `${api}/projects/${key(projectKey)}/webhooks`, body }, webhookSchema),

    // PUT /rest/api/1.0/projects/{KEY}/webhooks/{webhookId}
    updateWebhook: (projectKey, id, body) =>
      answer(
        {
          method: 'PUT',
          path: `${api}/projects/${key(projectKey)}/webhooks/${encodeURIComponent(id)}`,
          body,
        },
        webhookSchema,
      ),

    // DELETE /rest/api/1.0/projects/{KEY}/webhooks/{webhookId}
    deleteWebhook: (projectKey, id) =>
      answer(
        { method: 'DELETE', path: `${api}/projects/${key(projectKey)}/webhooks/${encodeURIComponent(id)}` },
        z.unknown(),
      ),

    // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/browse/{path}?at={commit}&type=true
    pathType: async (projectKey, slug, commit, encodedPath) =>
      answer(
        {
          path: `${repoPath(projectKey, slug)}/browse/${encodedPath}`,
          query: { at: commit, type: true },
        },
        pathTypeSchema.transform((body) => body.type),
      ),

    async rawFile(projectKey, slug, commit, encodedPath, maxBytes) {
      // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/raw/{path}?at={commit}
      const response = await http.request(
        {
          path: `${repoPath(projectKey, slug)}/raw/${encodedPath}`,
          query: { at: commit },
          headers: { accept: '*/*' },
          responseType: 'bytes',
          maxResponseBytes: maxBytes,
        },
        z.instanceof(Buffer),
      );
      return response.data;
    },

    // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/commits/{commitId}
    commit: (projectKey, slug, commitId) =>
      answer({ path: `${repoPath(projectKey, slug)}/commits/${encodeURIComponent(commitId)}` }, commitSchema),

    async probeRepositoryWrite(projectKey, slug) {
      // POST /rest/branch-utils/1.0/projects/{KEY}/repos/{slug}/branches
      const response = await http.request({
        method: 'POST',
        path: `${branchUtils}/projects/${key(projectKey)}/repos/${encodeURIComponent(slug)}/branches`,
        body: { name: 'scm-connect/permission-check', startPoint: impossibleCommit },
        acceptStatus: refusedStatuses,
      });
      const refusal = refusalOf(response);
      if (refusal === 'not-permitted') return 'denied';
      if (response.status === 400 || response.status === 409) return 'granted';
      return response.status === 404 && /Commit|Changeset|Ref/i.test(exceptionOf(response))
        ? 'granted'
        : 'unknown';
    },
  };
}

/** A page envelope reduced to what a one-item probe reads. */
const pageOf = <T>(item: ZodType<T>): ZodType<{ values: T[] }> => z.object({ values: z.array(item) });

function exceptionOf(response: ScmResponse<unknown>): string {
  const body = errorsSchema.safeParse(response.data);
  return body.success ? (body.data.errors[0]?.exceptionName ?? '') : '';
}

/** Reads a refusal: 401 is a permission problem only when the body says so. */
function refusalOf(response: ScmResponse<unknown>): BbdcRefusal {
  const body = errorsSchema.safeParse(response.data);
  const first = body.success ? body.data.errors[0] : undefined;
  const notPermitted =
    /AuthorisationException/.test(first?.exceptionName ?? '') || /not permitted/i.test(first?.message ?? '');
  switch (response.status) {
    case 401:
      return notPermitted ? 'not-permitted' : 'bad-credentials';
    case 403:
      return 'not-permitted';
    case 404:
      return 'not-found';
    default:
      return 'rejected';
  }
}

/** How every Data Center answer is read; the pull request calls (`pull-request-client.ts`) read theirs alike. */
export const bbdcAnswerReader = reader;
