import { z, type ZodType } from 'zod';
import { ScmError } from '../errors.js';
import { nextUrlPagination, requestOrRefusal, type ScmHttp, type ScmRequest } from '../http/index.js';
import { bitbucketPageSize, type BitbucketAnswer, type BitbucketRepoPath } from './client.js';
import {
  commentSchema,
  commitSchema,
  commitStatusSchema,
  errorSchema,
  pullRequestSchema,
  repositoryPermissionSchema,
  type BitbucketComment,
  type BitbucketPullRequest,
} from './schemas.js';

/** What scm-connect writes as a pull request comment (`pullrequest_comment`). */
export interface BitbucketCommentBody {
  readonly content: { readonly raw: string };
  readonly inline?: { readonly path: string; readonly to: number; readonly start_to?: number };
  readonly parent?: { readonly id: number };
}

/** What scm-connect writes as a build status (`commitstatus`). */
export interface BitbucketBuildStatusBody {
  readonly key: string;
  readonly state: 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED';
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly refname?: string;
}

/** Typed calls of a pull request's comments, diff and build statuses (scopes: `pullrequest`, `repository`). */
export interface BitbucketPullRequestClient {
  /** One pull request of a repository, or the refusal (a missing `pullrequest` scope is a 403). */
  probePullRequests(repo: BitbucketRepoPath): Promise<BitbucketAnswer<unknown>>;
  pullRequest(repo: BitbucketRepoPath, id: number): Promise<BitbucketPullRequest>;
  /** The full hash of a (possibly abbreviated) commit id. */
  commitHash(repo: BitbucketRepoPath, commit: string): Promise<string>;
  /** The pull request's diff text, through the redirect Bitbucket answers with. */
  diff(repo: BitbucketRepoPath, id: number): Promise<string>;
  comments(repo: BitbucketRepoPath, id: number): AsyncIterable<BitbucketComment>;
  createComment(repo: BitbucketRepoPath, id: number, body: BitbucketCommentBody): Promise<BitbucketComment>;
  updateComment(
    repo: BitbucketRepoPath,
    id: number,
    commentId: number,
    raw: string,
  ): Promise<BitbucketComment>;
  /** Resolves also when the comment is already gone (404). */
  deleteComment(repo: BitbucketRepoPath, id: number, commentId: number): Promise<void>;
  /** Resolves also when already resolved (409) or, to reopen, not resolved (404). */
  resolveComment(repo: BitbucketRepoPath, id: number, commentId: number, resolved: boolean): Promise<void>;
  setBuildStatus(repo: BitbucketRepoPath, commit: string, body: BitbucketBuildStatusBody): Promise<void>;
  /** The user's effective permission on the repository, or a refusal (403: the caller is no repository admin). */
  repositoryPermission(
    repo: BitbucketRepoPath,
    userUuid: string,
  ): Promise<BitbucketAnswer<string | undefined>>;
}

const encode = encodeURIComponent;
const repoPath = (repo: BitbucketRepoPath) =>
  `/2.0/repositories/${encode(repo.workspace)}/${encode(repo.slug)}`;
const prPath = (repo: BitbucketRepoPath, id: number) => `${repoPath(repo)}/pullrequests/${id}`;
const commentPath = (repo: BitbucketRepoPath, id: number, commentId: number) =>
  `${prPath(repo, id)}/comments/${commentId}`;

const invalidAnswer = (what: string) =>
  new ScmError('invalid', `Bitbucket answered ${what} with an unexpected shape.`, {
    code: 'upstream_invalid_response',
    fix: 'Check that the API URL points at Bitbucket Cloud.',
  });

const urlOf = (location: string, base: URL): URL | undefined => {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
};

/** Redirects the diff may take: Bitbucket sends the pull request's diff to "Compare two commits". */
const redirects = [301, 302, 303, 307, 308];
const maxRedirects = 3;

export function createPullRequestClient(http: ScmHttp): BitbucketPullRequestClient {
  const send = async <T>(request: ScmRequest, schema: ZodType<T>) =>
    (await http.request(request, schema)).data;

  const reader = {
    refusal: (response: { data: unknown }) => errorSchema.catch({}).parse(response.data),
    invalid: (_response: unknown, at: string) => invalidAnswer(`a pull request call (at ${at})`),
  };

  return {
    // GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests?pagelen=1
    probePullRequests: (repo) =>
      requestOrRefusal(
        http,
        { path: `${repoPath(repo)}/pullrequests`, query: { pagelen: 1 } },
        z.unknown(),
        reader,
      ),

    // GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}
    pullRequest: (repo, id) => send({ path: prPath(repo, id) }, pullRequestSchema),

    async commitHash(repo, commit) {
      if (/^[0-9a-f]{40}$/.test(commit)) return commit;
      // GET /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}
      return (await send({ path: `${repoPath(repo)}/commit/${encode(commit)}` }, commitSchema)).hash;
    },

    async diff(repo, id) {
      // GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/diff → 302 to
      // GET /2.0/repositories/{workspace}/{repo_slug}/diff/{spec}, followed on the API's own origin only.
      let request: ScmRequest = { path: `${prPath(repo, id)}/diff` };
      for (let hop = 0; hop <= maxRedirects; hop++) {
        const response = await http.request(
          { ...request, headers: { accept: 'text/plain' }, responseType: 'bytes', acceptStatus: redirects },
          z.instanceof(Buffer),
        );
        if (!redirects.includes(response.status)) return response.data.toString('utf8');
        const location = response.headers.location;
        const next = location === undefined ? undefined : urlOf(location, response.url);
        if (!next || next.origin !== http.baseUrl.origin || next.username || next.password) {
          throw new ScmError('invalid', 'Bitbucket sent the pull request diff to another address.', {
            code: 'redirect_blocked',
            status: response.status,
            fix: 'Check that the API URL points at Bitbucket Cloud.',
          });
        }
        request = { url: next };
      }
      throw invalidAnswer('the pull request diff (too many redirects)');
    },

    comments: (repo, id) =>
      // GET /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments?pagelen=100
      http.paginate(
        { path: `${prPath(repo, id)}/comments` },
        nextUrlPagination({ pagelen: bitbucketPageSize }),
        commentSchema,
      ),

    // POST /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments
    createComment: (repo, id, body) =>
      send({ method: 'POST', path: `${prPath(repo, id)}/comments`, body }, commentSchema),

    // PUT /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}
    updateComment: (repo, id, commentId, raw) =>
      send(
        { method: 'PUT', path: commentPath(repo, id, commentId), body: { content: { raw } } },
        commentSchema,
      ),

    async deleteComment(repo, id, commentId) {
      // DELETE /2.0/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/comments/{comment_id}
      await http.request({ method: 'DELETE', path: commentPath(repo, id, commentId), acceptStatus: [404] });
    },

    async resolveComment(repo, id, commentId, resolved) {
      // POST (resolve) or DELETE (reopen) /2.0/repositories/{ws}/{repo}/pullrequests/{id}/comments/{comment_id}/resolve
      await http.request({
        method: resolved ? 'POST' : 'DELETE',
        path: `${commentPath(repo, id, commentId)}/resolve`,
        acceptStatus: resolved ? [409] : [404],
      });
    },

    async setBuildStatus(repo, commit, body) {
      // POST /2.0/repositories/{workspace}/{repo_slug}/commit/{commit}/statuses/build (same key: replaced)
      await send(
        { method: 'POST', path: `${repoPath(repo)}/commit/${encode(commit)}/statuses/build`, body },
        commitStatusSchema,
      );
    },

    async repositoryPermission(repo, userUuid) {
      // GET /2.0/workspaces/{workspace}/permissions/repositories/{repo_slug}?q=user.uuid="{uuid}"
      const answer = await requestOrRefusal(
        http,
        {
          path: `/2.0/workspaces/${encode(repo.workspace)}/permissions/repositories/${encode(repo.slug)}`,
          query: { q: `user.uuid="${userUuid}"`, pagelen: bitbucketPageSize },
        },
        z.object({ values: z.array(repositoryPermissionSchema) }),
        reader,
      );
      if (!answer.ok) return answer;
      const entry = answer.data.values.find((value) => value.user?.uuid === userUuid);
      return { ok: true, data: entry?.permission, headers: answer.headers };
    },
  };
}
