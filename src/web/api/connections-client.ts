import type { Http, RequestOptions } from './http.js';
import {
  accountOrganizationListSchema,
  connectionSchema,
  jobSchema,
  repositoryPageSchema,
  repositorySchema,
  startedJobSchema,
  testReportSchema,
  type AccountOrganization,
  type Connection,
  type Job,
  type Repository,
  type RepositoryPage,
  type TestReport,
} from './schemas.js';

/**
 * What `POST …/connections` takes: one shape per token-based kind, and GitHub Enterprise Server's entry (the
 * organization that will own its app, the instance's URL, an optional CA certificate).
 */
export type NewConnection =
  | { kind: 'github-enterprise'; organization: string; baseUrl: string; caPem?: string; name?: string }
  | { kind: 'gitlab'; group: string; token: string; name?: string }
  | {
      kind: 'gitlab-self-managed';
      baseUrl: string;
      group: string;
      token: string;
      caPem?: string;
      name?: string;
    }
  | { kind: 'bitbucket-cloud'; workspace: string; token: string; email?: string; name?: string }
  | {
      kind: 'bitbucket-data-center';
      projectKey: string;
      baseUrl: string;
      token: string;
      caPem?: string;
      name?: string;
    }
  | { kind: 'azure-devops'; organization: string; token: string; name?: string };

/**
 * What `PATCH …/connections/{id}` (Edit) takes; `baseUrl` and `caPem` only for self-managed kinds, `caPem: null`
 * removes the stored CA certificate.
 */
export interface ConnectionChanges {
  readonly name?: string;
  readonly baseUrl?: string;
  readonly token?: string;
  readonly caPem?: string | null;
  /** Alone, switches pull request comments without asking the SCM. */
  readonly commentsEnabled?: boolean;
}

export interface RepositoryQuery {
  readonly connectionId?: string;
  readonly q?: string;
  /** `undefined` lists both. */
  readonly archived?: boolean;
  /** Repositories with every one of these tags. */
  readonly tags?: readonly string[];
  /** `undefined` lists both; `true` only the repositories excluded from scanning. */
  readonly excluded?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * What `PATCH …/repositories/{id}` takes (admins): exclusion from scanning, the tags and the pull request comment
 * switch, each left as is when absent.
 */
export interface RepositoryChanges {
  readonly excluded?: boolean;
  readonly tags?: readonly string[];
  readonly commentsEnabled?: boolean;
}

/** The calls about connections, their organizations, repositories and sync jobs. */
export interface ConnectionsApi {
  createConnection(accountId: string, input: NewConnection): Promise<Connection>;
  getConnection(accountId: string, connectionId: string, options?: RequestOptions): Promise<Connection>;
  updateConnection(accountId: string, connectionId: string, changes: ConnectionChanges): Promise<Connection>;
  deleteConnection(accountId: string, connectionId: string): Promise<void>;
  testConnection(accountId: string, connectionId: string): Promise<TestReport>;
  syncConnection(accountId: string, connectionId: string): Promise<Job>;
  getJob(accountId: string, jobId: string, options?: RequestOptions): Promise<Job>;
  listOrganizations(accountId: string, options?: RequestOptions): Promise<AccountOrganization[]>;
  listRepositories(
    accountId: string,
    query: RepositoryQuery,
    options?: RequestOptions,
  ): Promise<RepositoryPage>;
  updateRepository(accountId: string, repositoryId: string, changes: RepositoryChanges): Promise<Repository>;
}

const seg = encodeURIComponent;
const accountPath = (accountId: string) => `/api/v1/accounts/${seg(accountId)}`;
const connectionPath = (accountId: string, connectionId: string) =>
  `${accountPath(accountId)}/connections/${seg(connectionId)}`;

/** The query string of a repository listing; empty filters are left out. */
export const repositoryQueryString = (query: RepositoryQuery): string => {
  const params = new URLSearchParams();
  if (query.connectionId) params.set('connectionId', query.connectionId);
  const q = query.q?.trim();
  if (q) params.set('q', q);
  if (query.archived !== undefined) params.set('archived', String(query.archived));
  for (const tag of query.tags ?? []) params.append('tag', tag);
  if (query.excluded !== undefined) params.set('excluded', String(query.excluded));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const createConnectionsApi = (http: Http): ConnectionsApi => ({
  createConnection: (accountId, input) =>
    http.request('POST', `${accountPath(accountId)}/connections`, connectionSchema, input),

  getConnection: (accountId, connectionId, options) =>
    http.request('GET', connectionPath(accountId, connectionId), connectionSchema, undefined, options),

  updateConnection: (accountId, connectionId, changes) =>
    http.request('PATCH', connectionPath(accountId, connectionId), connectionSchema, changes),

  deleteConnection: (accountId, connectionId) =>
    http.requestEmpty('DELETE', connectionPath(accountId, connectionId), {}),

  testConnection: (accountId, connectionId) =>
    http.request('POST', `${connectionPath(accountId, connectionId)}/test`, testReportSchema, {}),

  syncConnection: async (accountId, connectionId) =>
    (await http.request('POST', `${connectionPath(accountId, connectionId)}/sync`, startedJobSchema, {})).job,

  getJob: (accountId, jobId, options) =>
    http.request('GET', `${accountPath(accountId)}/jobs/${seg(jobId)}`, jobSchema, undefined, options),

  listOrganizations: async (accountId, options) =>
    (
      await http.request(
        'GET',
        `${accountPath(accountId)}/organizations`,
        accountOrganizationListSchema,
        undefined,
        options,
      )
    ).items,

  listRepositories: (accountId, query, options) =>
    http.request(
      'GET',
      `${accountPath(accountId)}/repositories${repositoryQueryString(query)}`,
      repositoryPageSchema,
      undefined,
      options,
    ),

  updateRepository: (accountId, repositoryId, changes) =>
    http.request(
      'PATCH',
      `${accountPath(accountId)}/repositories/${seg(repositoryId)}`,
      repositorySchema,
      changes,
    ),
});
