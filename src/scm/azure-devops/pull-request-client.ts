import { z, type ZodType } from 'zod';
import { answerOrRefusal, type ScmHttp, type ScmRequest, type ScmResponse } from '../http/index.js';
import {
  apiVersion,
  isSignInPage,
  reader,
  refusedStatuses,
  suppressRedirect,
  type AdoAnswer,
  type AdoRepoPath,
} from './client.js';
import {
  accessControlListsSchema,
  commentSchema,
  iterationChangesSchema,
  iterationListSchema,
  legacyIdentityListSchema,
  pullRequestSchema,
  pullRequestStatusListSchema,
  pullRequestStatusSchema,
  repositorySchema,
  threadListSchema,
  threadSchema,
  type AdoAccessControlList,
  type AdoChange,
  type AdoComment,
  type AdoIteration,
  type AdoPullRequest,
  type AdoPullRequestStatus,
  type AdoRepository,
  type AdoThread,
} from './schemas.js';

/** A pull request in a call: its repository and its id. */
export interface AdoPullRequestPath extends AdoRepoPath {
  readonly pullRequestId: number;
}

/** Changes per answer: "Pull Request Iteration Changes - Get" takes at most 2000. */
export const changesPageSize = 2000;

/** Typed calls for pull request threads, iterations and statuses, and the permission lookup (REST 7.1). */
export interface AdoPullRequestClient {
  pullRequest(pr: AdoPullRequestPath): Promise<AdoAnswer<AdoPullRequest>>;
  threads(pr: AdoPullRequestPath): Promise<AdoAnswer<AdoThread[]>>;
  createThread(pr: AdoPullRequestPath, body: object): Promise<AdoAnswer<AdoThread>>;
  updateThread(pr: AdoPullRequestPath, threadId: number, body: object): Promise<AdoAnswer<AdoThread>>;
  createComment(pr: AdoPullRequestPath, threadId: number, body: object): Promise<AdoAnswer<AdoComment>>;
  updateComment(
    pr: AdoPullRequestPath,
    threadId: number,
    commentId: number,
    content: string,
  ): Promise<AdoAnswer<AdoComment>>;
  deleteComment(pr: AdoPullRequestPath, threadId: number, commentId: number): Promise<AdoAnswer<unknown>>;
  iterations(pr: AdoPullRequestPath): Promise<AdoAnswer<AdoIteration[]>>;
  /** Every change of an iteration against the common commit, page by page (`$top` / `$skip`). */
  iterationChanges(pr: AdoPullRequestPath, iterationId: number): Promise<AdoAnswer<AdoChange[]>>;
  statuses(pr: AdoPullRequestPath): Promise<AdoAnswer<AdoPullRequestStatus[]>>;
  createStatus(pr: AdoPullRequestPath, body: object): Promise<AdoAnswer<AdoPullRequestStatus>>;
  deleteStatus(pr: AdoPullRequestPath, statusId: number): Promise<AdoAnswer<unknown>>;
  /** A repository by id alone (its project's id comes with it). */
  repository(repositoryId: string): Promise<AdoAnswer<AdoRepository>>;
  /** Legacy identities by id (vssps host): their `descriptor` is what the security APIs take. */
  identities(ids: readonly string[]): Promise<AdoAnswer<z.output<typeof legacyIdentityListSchema>['value']>>;
  /** The ACLs of a token in a namespace for one descriptor, with effective permissions. */
  accessControlLists(
    namespaceId: string,
    token: string,
    descriptor: string,
  ): Promise<AdoAnswer<AdoAccessControlList[]>>;
}

export function createAdoPullRequestClient(
  hosts: { readonly http: ScmHttp; readonly identityHttp: ScmHttp },
  organization: string,
): AdoPullRequestClient {
  const { http, identityHttp } = hosts;
  const org = `/${encodeURIComponent(organization)}`;
  const prPath = (pr: AdoPullRequestPath) =>
    `${org}/${encodeURIComponent(pr.project)}/_apis/git/repositories/${encodeURIComponent(pr.repositoryId)}/pullRequests/${pr.pullRequestId}`;

  async function call<T>(
    request: ScmRequest,
    schema: ZodType<T>,
    client: ScmHttp = http,
  ): Promise<AdoAnswer<T>> {
    const response: ScmResponse<unknown> = await client.request({
      ...request,
      headers: suppressRedirect,
      query: { 'api-version': apiVersion, ...request.query },
      acceptStatus: refusedStatuses,
    });
    if (isSignInPage(response)) {
      return { ok: false, status: response.status, refusal: 'bad-credentials', headers: response.headers };
    }
    return answerOrRefusal(response, schema, reader);
  }
  const values = <T>(answer: AdoAnswer<{ value: T[] }>): AdoAnswer<T[]> =>
    answer.ok ? { ...answer, data: answer.data.value } : answer;

  return {
    // GET /{org}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}
    pullRequest: (pr) => call({ path: prPath(pr) }, pullRequestSchema),

    // GET …/pullRequests/{pullRequestId}/threads
    threads: async (pr) => values(await call({ path: `${prPath(pr)}/threads` }, threadListSchema)),

    // POST …/pullRequests/{pullRequestId}/threads
    createThread: (pr, body) => call({ method: 'POST', path: `${prPath(pr)}/threads`, body }, threadSchema),

    // PATCH …/pullRequests/{pullRequestId}/threads/{threadId}
    updateThread: (pr, threadId, body) =>
      call({ method: 'PATCH', path: `${prPath(pr)}/threads/${threadId}`, body }, threadSchema),

    // POST …/threads/{threadId}/comments
    createComment: (pr, threadId, body) =>
      call({ method: 'POST', path: `${prPath(pr)}/threads/${threadId}/comments`, body }, commentSchema),

    // PATCH …/threads/{threadId}/comments/{commentId}
    updateComment: (pr, threadId, commentId, content) =>
      call(
        {
          method: 'PATCH',
          path: `${prPath(pr)}/threads/${threadId}/comments/${commentId}`,
          body: { content },
        },
        commentSchema,
      ),

    // DELETE …/threads/{threadId}/comments/{commentId}
    deleteComment: (pr, threadId, commentId) =>
      call(
        { method: 'DELETE', path: `${prPath(pr)}/threads/${threadId}/comments/${commentId}` },
        z.unknown(),
      ),

    // GET …/pullRequests/{pullRequestId}/iterations
    iterations: async (pr) => values(await call({ path: `${prPath(pr)}/iterations` }, iterationListSchema)),

    async iterationChanges(pr, iterationId) {
      const changes: AdoChange[] = [];
      for (let skip = 0, pages = 0; pages < 1000; pages++) {
        // GET …/iterations/{iterationId}/changes?$top=2000&$skip=
        const page = await call(
          {
            path: `${prPath(pr)}/iterations/${iterationId}/changes`,
            query: { $top: changesPageSize, $skip: skip },
          },
          iterationChangesSchema,
        );
        if (!page.ok) return page;
        changes.push(...page.data.changeEntries);
        const next = page.data.nextSkip ?? 0;
        if (next <= skip || (page.data.nextTop ?? 0) === 0) return { ...page, data: changes };
        skip = next;
      }
      return { ok: true, data: changes, headers: {} };
    },

    // GET …/pullRequests/{pullRequestId}/statuses
    statuses: async (pr) =>
      values(await call({ path: `${prPath(pr)}/statuses` }, pullRequestStatusListSchema)),

    // POST …/pullRequests/{pullRequestId}/statuses
    createStatus: (pr, body) =>
      call({ method: 'POST', path: `${prPath(pr)}/statuses`, body }, pullRequestStatusSchema),

    // DELETE …/pullRequests/{pullRequestId}/statuses/{statusId}
    deleteStatus: (pr, statusId) =>
      call({ method: 'DELETE', path: `${prPath(pr)}/statuses/${statusId}` }, z.unknown()),

    // GET /{org}/_apis/git/repositories/{repositoryId}
    repository: (repositoryId) =>
      call({ path: `${org}/_apis/git/repositories/${encodeURIComponent(repositoryId)}` }, repositorySchema),

    // GET {vssps}/{org}/_apis/identities?identityIds=&queryMembership=None
    identities: async (ids) =>
      values(
        await call(
          { path: `${org}/_apis/identities`, query: { identityIds: ids.join(','), queryMembership: 'None' } },
          legacyIdentityListSchema,
          identityHttp,
        ),
      ),

    // GET /{org}/_apis/accesscontrollists/{securityNamespaceId}?token=&descriptors=&includeExtendedInfo=true
    accessControlLists: async (namespaceId, token, descriptor) =>
      values(
        await call(
          {
            path: `${org}/_apis/accesscontrollists/${encodeURIComponent(namespaceId)}`,
            query: { token, descriptors: descriptor, includeExtendedInfo: true, recurse: false },
          },
          accessControlListsSchema,
        ),
      ),
  };
}
