import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import {
  answerOrRefusal,
  continuationTokenPagination,
  parseAnswer,
  type AnswerReader,
  type PaginationStrategy,
  type RefusableAnswer,
  type ScmHttp,
  type ScmRequest,
  type ScmResponse,
} from '../http/index.js';
import {
  commitSchema,
  connectionDataSchema,
  graphGroupSchema,
  itemSchema,
  membershipListSchema,
  projectSchema,
  repositoryListSchema,
  subscriptionListSchema,
  subscriptionSchema,
  userEntitlementSchema,
  type AdoConnectionData,
  type AdoGraphGroup,
  type AdoItem,
  type AdoMembership,
  type AdoProject,
  type AdoRepository,
  type AdoSubscription,
  type AdoUserEntitlement,
} from './schemas.js';

export const apiVersion = '7.1';
/** Graph resources are preview-only at 7.1. */
export const graphApiVersion = '7.1-preview.1';
/** Projects per page: the service's cap is not documented; community reports show 1,000 accepted. */
export const projectPageSize = 1000;

/** Why Azure DevOps refused. */
export type AdoRefusal = 'bad-credentials' | 'denied' | 'not-found' | 'rejected';

export type AdoAnswer<T> = RefusableAnswer<T, AdoRefusal>;

/** What a side-effect-free scope probe proved. */
export type ScopeProbe = 'granted' | 'denied' | 'unknown';

/** Thin typed calls to the Azure DevOps REST API for one organization. */
export interface AdoClient {
  /** Who the PAT is; 401, 203 and HTML sign-in pages come back as `bad-credentials`, 404 as `not-found`. */
  connectionData(): Promise<AdoAnswer<AdoConnectionData>>;
  /** Every project the PAT can see, following the continuation token. */
  projects(): AsyncIterable<AdoProject>;
  /** Every repository of one project, in one (unpaginated) answer. */
  repositories(projectId: string): Promise<AdoRepository[]>;
  /** Users of the organization (vsaex host), following the continuation token. */
  userEntitlements(): AsyncIterable<AdoUserEntitlement>;
  /** Groups of the organization and its projects (vssps host), following the continuation token; `vso.graph`. */
  graphGroups(): AsyncIterable<AdoGraphGroup>;
  /** The direct members of a group (vssps host), users and groups, in one answer; `vso.graph`. */
  groupMembers(groupDescriptor: string): Promise<AdoAnswer<AdoMembership[]>>;
  /** Lists projects, which `vso.project` and `vso.profile` (also carried by `vso.code`) both allow. */
  probeProjects(): Promise<ScopeProbe>;
  /** `vso.code`: reads a repository that cannot exist; the scope is checked before the lookup answers 404. */
  probeCodeRead(): Promise<ScopeProbe>;
  /** `vso.code_write` or `vso.threads_full`: a thread on a repository that cannot exist, so nothing is written. */
  probeThreadWrite(): Promise<ScopeProbe>;
  /** `vso.code_write` alone: a push to a repository that cannot exist, so nothing is ever written. */
  probePush(): Promise<ScopeProbe>;
  /** `vso.memberentitlementmanagement`: reads the first page of user entitlements. */
  probeUserEntitlements(): Promise<ScopeProbe>;
  /** Every service hook subscription of the organization (one unpaginated answer). */
  subscriptions(): Promise<AdoAnswer<AdoSubscription[]>>;
  createSubscription(body: AdoSubscriptionBody): Promise<AdoAnswer<AdoSubscription>>;
  replaceSubscription(id: string, body: AdoSubscriptionBody): Promise<AdoAnswer<AdoSubscription>>;
  deleteSubscription(id: string): Promise<AdoAnswer<unknown>>;
  /**
   * The item at `path` (`/`-rooted) of a repository at a commit, metadata only. A missing path, commit or
   * repository comes back as a refusal (`not-found`, or `rejected` for a 400).
   */
  item(repository: AdoRepoPath, path: string, commitId: string): Promise<AdoAnswer<AdoItem>>;
  /** The raw bytes of a blob by its object id; rejects `too-large` past `maxBytes`. */
  blob(repository: AdoRepoPath, objectId: string, maxBytes: number): Promise<Buffer>;
  /** A commit of the repository; `not-found` (or `rejected`) when it is unknown. */
  commit(repository: AdoRepoPath, commitId: string): Promise<AdoAnswer<unknown>>;
}

/** A repository in a call: its project (name or id) and its id. */
export interface AdoRepoPath {
  readonly project: string;
  readonly repositoryId: string;
}

/** A service hook subscription as scm-connect creates it. */
export interface AdoSubscriptionBody {
  readonly publisherId: string;
  readonly eventType: string;
  readonly resourceVersion: string;
  readonly consumerId: string;
  readonly consumerActionId: string;
  readonly publisherInputs: Readonly<Record<string, string>>;
  readonly consumerInputs: Readonly<Record<string, string>>;
}

export const refusedStatuses = [400, 401, 403, 404];
const noSuchRepository = '00000000-0000-0000-0000-000000000000';
export const reader: AnswerReader<AdoRefusal> = {
  refused: refusedStatuses,
  refusal: refusalOf,
  invalid: (response) =>
    new ScmError('invalid', `The answer to ${response.url.pathname} is not what Azure DevOps sends.`, {
      code: 'upstream_invalid_response',
    }),
};
/** Without it a bad PAT answers 203 with an HTML sign-in page instead of 401. */
export const suppressRedirect = { 'x-tfs-fedauthredirect': 'Suppress' };

/** A 203 or an HTML page where JSON was asked for: Azure DevOps' sign-in page for a PAT it did not accept. */
export const isSignInPage = (response: ScmResponse<unknown>) =>
  response.status === 203 || typeof response.data === 'string';

export const signInPageError = () =>
  new ScmError(
    'auth',
    'Azure DevOps answered with its sign-in page: the personal access token was not accepted.',
    {
      code: 'invalid_credentials',
      fix: 'Check that the personal access token is correct, not expired or revoked, and valid for this organization.',
    },
  );

/** The clients of the three hosts an organization's API lives on. */
export interface AdoHosts {
  /** The organization host (`https://dev.azure.com`). */
  readonly http: ScmHttp;
  /** The user-entitlement host (`https://vsaex.dev.azure.com`). */
  readonly entitlementsHttp: ScmHttp;
  /** The Graph host (`https://vssps.dev.azure.com`). */
  readonly graphHttp: ScmHttp;
}

export function createAdoClient(
  { http, entitlementsHttp, graphHttp }: AdoHosts,
  organization: string,
): AdoClient {
  const org = `/${encodeURIComponent(organization)}`;

  const send = (client: ScmHttp, request: ScmRequest) =>
    client.request({
      ...request,
      headers: suppressRedirect,
      query: { 'api-version': apiVersion, ...request.query },
      acceptStatus: refusedStatuses,
    });

  function answer<T>(response: ScmResponse<unknown>, schema: ZodType<T>): AdoAnswer<T> {
    if (isSignInPage(response)) {
      return { ok: false, status: response.status, refusal: 'bad-credentials', headers: response.headers };
    }
    return answerOrRefusal(response, schema, reader);
  }

  async function probe(client: ScmHttp, request: ScmRequest, missingIsGranted = false): Promise<ScopeProbe> {
    const response = await send(client, request);
    if (isSignInPage(response) || response.status === 401 || response.status === 403) return 'denied';
    if (response.status < 300) return 'granted';
    // The scope check comes before the lookup: "no such repository" proves the scope.
    return missingIsGranted && (response.status === 404 || response.status === 400) ? 'granted' : 'unknown';
  }

  /** The continuation-token strategy, refusing a sign-in page as `auth` instead of a malformed page. */
  const pages = (strategy: PaginationStrategy): PaginationStrategy => ({
    firstQuery: () => strategy.firstQuery(),
    read(page) {
      if (typeof page.data === 'string') throw signInPageError();
      return strategy.read(page);
    },
  });

  const repositoryPath = `${org}/_apis/git/repositories/${noSuchRepository}`;
  const repoPath = (repository: AdoRepoPath) =>
    `${org}/${encodeURIComponent(repository.project)}/_apis/git/repositories/${encodeURIComponent(repository.repositoryId)}`;

  return {
    async connectionData() {
      // GET /{org}/_apis/connectionData (takes no api-version)
      const response = await http.request({
        path: `${org}/_apis/connectionData`,
        headers: suppressRedirect,
        acceptStatus: refusedStatuses,
      });
      return answer(response, connectionDataSchema);
    },

    projects: () =>
      // GET /{org}/_apis/projects?$top=1000&continuationToken=
      http.paginate(
        { path: `${org}/_apis/projects`, headers: suppressRedirect, query: { 'api-version': apiVersion } },
        pages(continuationTokenPagination({ top: projectPageSize })),
        projectSchema,
      ),

    async repositories(projectId) {
      // GET /{org}/{project}/_apis/git/repositories
      const response = await http.request({
        path: `${org}/${encodeURIComponent(projectId)}/_apis/git/repositories`,
        headers: suppressRedirect,
        query: { 'api-version': apiVersion },
      });
      if (isSignInPage(response)) throw signInPageError();
      return parseAnswer(repositoryListSchema, response, reader.invalid).value;
    },

    userEntitlements: () =>
      // GET {vsaex}/{org}/_apis/userentitlements?continuationToken=
      entitlementsHttp.paginate(
        {
          path: `${org}/_apis/userentitlements`,
          headers: suppressRedirect,
          query: { 'api-version': apiVersion },
        },
        // No page size: the 7.1 search takes none.
        pages(continuationTokenPagination({ itemsKey: 'items', top: null })),
        userEntitlementSchema,
      ),

    graphGroups: () =>
      // GET {vssps}/{org}/_apis/graph/groups?continuationToken=
      graphHttp.paginate(
        {
          path: `${org}/_apis/graph/groups`,
          headers: suppressRedirect,
          query: { 'api-version': graphApiVersion },
        },
        pages(continuationTokenPagination({ top: null })),
        graphGroupSchema,
      ),

    async groupMembers(groupDescriptor) {
      // GET {vssps}/{org}/_apis/graph/Memberships/{descriptor}?direction=down
      const response = await send(graphHttp, {
        path: `${org}/_apis/graph/Memberships/${encodeURIComponent(groupDescriptor)}`,
        query: { direction: 'down', 'api-version': graphApiVersion },
      });
      const members = answer(response, membershipListSchema);
      return members.ok ? { ...members, data: members.data.value } : members;
    },

    // GET /{org}/_apis/projects?$top=1
    probeProjects: () => probe(http, { path: `${org}/_apis/projects`, query: { $top: 1 } }),

    // GET /{org}/_apis/git/repositories/{id}
    probeCodeRead: () => probe(http, { path: repositoryPath }, true),

    // POST /{org}/_apis/git/repositories/{id}/pullRequests/{prId}/threads
    probeThreadWrite: () =>
      probe(http, { method: 'POST', path: `${repositoryPath}/pullRequests/1/threads`, body: {} }, true),

    // POST /{org}/_apis/git/repositories/{id}/pushes
    probePush: () => probe(http, { method: 'POST', path: `${repositoryPath}/pushes`, body: {} }, true),

    // GET {vsaex}/{org}/_apis/userentitlements
    probeUserEntitlements: () => probe(entitlementsHttp, { path: `${org}/_apis/userentitlements` }),

    async subscriptions() {
      // GET /{org}/_apis/hooks/subscriptions
      const response = await send(http, { path: `${org}/_apis/hooks/subscriptions` });
      const listed = answer(response, subscriptionListSchema);
      return listed.ok ? { ...listed, data: listed.data.value } : listed;
    },

    // POST /{org}/_apis/hooks/subscriptions
    createSubscription: async (body) =>
      answer(
        await send(http, { method: 'POST', path: `${org}/_apis/hooks/subscriptions`, body }),
        subscriptionSchema,
      ),

    // PUT /{org}/_apis/hooks/subscriptions/{subscriptionId}
    replaceSubscription: async (id, body) =>
      answer(
        await send(http, {
          method: 'PUT',
          path: `${org}/_apis/hooks/subscriptions/${encodeURIComponent(id)}`,
          body: { ...body, id },
        }),
        subscriptionSchema,
      ),

    // GET /{org}/{project}/_apis/git/repositories/{repositoryId}/items?path=&versionDescriptor.version=
    //   &versionDescriptor.versionType=commit&$format=json
    item: async (repository, path, commitId) =>
      answer(
        await send(http, {
          path: `${repoPath(repository)}/items`,
          query: {
            path,
            'versionDescriptor.version': commitId,
            'versionDescriptor.versionType': 'commit',
            $format: 'json',
          },
        }),
        itemSchema,
      ),

    async blob(repository, objectId, maxBytes) {
      // GET /{org}/{project}/_apis/git/repositories/{repositoryId}/blobs/{sha1}?$format=octetstream
      const response = await http.request(
        {
          path: `${repoPath(repository)}/blobs/${encodeURIComponent(objectId)}`,
          headers: { ...suppressRedirect, accept: 'application/octet-stream' },
          query: { 'api-version': apiVersion, $format: 'octetstream' },
          responseType: 'bytes',
          maxResponseBytes: maxBytes,
        },
        z.instanceof(Buffer),
      );
      if (response.status === 203) throw signInPageError();
      return response.data;
    },

    // GET /{org}/{project}/_apis/git/repositories/{repositoryId}/commits/{commitId}
    commit: async (repository, commitId) =>
      answer(
        await send(http, { path: `${repoPath(repository)}/commits/${encodeURIComponent(commitId)}` }),
        commitSchema,
      ),

    // DELETE /{org}/_apis/hooks/subscriptions/{subscriptionId}
    deleteSubscription: async (id) =>
      answer(
        await send(http, {
          method: 'DELETE',
          path: `${org}/_apis/hooks/subscriptions/${encodeURIComponent(id)}`,
        }),
        z.unknown(),
      ),
  };
}

function refusalOf({ status }: ScmResponse<unknown>): AdoRefusal {
  if (status === 401) return 'bad-credentials';
  if (status === 403) return 'denied';
  if (status === 404) return 'not-found';
  return 'rejected';
}
