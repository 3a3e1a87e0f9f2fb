import type { ZodType } from 'zod';
import { ScmError } from '../errors.js';
import { nextUrlPagination, type ScmHttp, type ScmResponse } from '../http/index.js';
import {
  accountSchema,
  errorSchema,
  membershipSchema,
  pageSchema,
  repositorySchema,
  workspaceSchema,
  type BitbucketAccount,
  type BitbucketErrorBody,
  type BitbucketMembership,
  type BitbucketRepository,
  type BitbucketWorkspace,
} from './schemas.js';

/** Bitbucket's largest `pagelen`. */
export const bitbucketPageSize = 100;

/** An answer, or the refusal the caller wants to read rather than have thrown. */
export type BitbucketAnswer<T> =
  | { readonly ok: true; readonly data: T; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly ok: false;
      readonly status: number;
      readonly body: BitbucketErrorBody;
      readonly headers: Readonly<Record<string, string>>;
    };

/** What a one-item probe of a collection found. */
export interface BitbucketProbe {
  readonly size: number | undefined;
}

/** Thin typed calls to Bitbucket Cloud API 2.0; every answer parsed with its zod schema. */
export interface BitbucketClient {
  workspace(workspace: string): Promise<BitbucketAnswer<BitbucketWorkspace>>;
  /** The account of an Atlassian API token; access tokens are refused (403). */
  currentUser(): Promise<BitbucketAnswer<BitbucketAccount>>;
  probeRepositories(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  probeMembers(workspace: string): Promise<BitbucketAnswer<BitbucketProbe>>;
  repositories(workspace: string): AsyncIterable<BitbucketRepository>;
  /** Members with their workspace permission (not available to access tokens). */
  permissions(workspace: string): AsyncIterable<BitbucketMembership>;
  /** Members without a role. */
  members(workspace: string): AsyncIterable<BitbucketMembership>;
}

const refusedStatuses = [401, 403, 404];
const encode = (workspace: string) => encodeURIComponent(workspace);

export function createBitbucketClient(http: ScmHttp): BitbucketClient {
  async function answer<T>(
    path: string,
    schema: ZodType<T>,
    query?: Record<string, string | number>,
  ): Promise<BitbucketAnswer<T>> {
    const response = await http.request({ path, ...(query ? { query } : {}), acceptStatus: refusedStatuses });
    if (response.status >= 200 && response.status < 300) {
      return { ok: true, data: parse(schema, response), headers: response.headers };
    }
    const body = errorSchema.safeParse(response.data);
    return {
      ok: false,
      status: response.status,
      body: body.success ? body.data : {},
      headers: response.headers,
    };
  }

  const probe = (path: string) =>
    answer(
      path,
      pageSchema.transform((page) => ({ size: page.size ?? undefined })),
      { pagelen: 1 },
    );
  const pages = <T>(path: string, schema: ZodType<T>) =>
    http.paginate({ path }, nextUrlPagination({ pagelen: bitbucketPageSize }), schema);

  return {
    // GET /2.0/workspaces/{workspace}
    workspace: (workspace) => answer(`/2.0/workspaces/${encode(workspace)}`, workspaceSchema),
    // GET /2.0/user
    currentUser: () => answer('/2.0/user', accountSchema),
    // GET /2.0/repositories/{workspace}?pagelen=1
    probeRepositories: (workspace) => probe(`/2.0/repositories/${encode(workspace)}`),
    // GET /2.0/workspaces/{workspace}/members?pagelen=1
    probeMembers: (workspace) => probe(`/2.0/workspaces/${encode(workspace)}/members`),
    // GET /2.0/repositories/{workspace}?pagelen=100, following `next`
    repositories: (workspace) => pages(`/2.0/repositories/${encode(workspace)}`, repositorySchema),
    // GET /2.0/workspaces/{workspace}/permissions?pagelen=100, following `next`
    permissions: (workspace) => pages(`/2.0/workspaces/${encode(workspace)}/permissions`, membershipSchema),
    // GET /2.0/workspaces/{workspace}/members?pagelen=100, following `next`
    members: (workspace) => pages(`/2.0/workspaces/${encode(workspace)}/members`, membershipSchema),
  };
}

function parse<T>(schema: ZodType<T>, response: ScmResponse<unknown>): T {
  const result = schema.safeParse(response.data);
  if (result.success) return result.data;
  const at = result.error.issues[0]?.path.map(String).join('.') || '(root)';
  throw new ScmError(
    'invalid',
    `Bitbucket answered ${response.url.pathname} with an unexpected shape (at ${at}).`,
    { code: 'upstream_invalid_response', fix: 'Check that the API URL points at Bitbucket Cloud.' },
  );
}
