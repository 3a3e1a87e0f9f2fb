import { z, type ZodType } from 'zod';
import { requestOrRefusal, startLimitPagination, type ScmHttp, type ScmRequest } from '../http/index.js';
import { bbdcAnswerReader, bbdcPageLimit, type BbdcAnswer } from './client.js';
import {
  activitySchema,
  commentSchema,
  pullRequestDiffSchema,
  pullRequestSchema,
  userSchema,
  type BbdcActivity,
  type BbdcAnchor,
  type BbdcComment,
  type BbdcPullRequest,
  type BbdcPullRequestDiff,
  type BbdcUser,
} from './schemas.js';

/** A repository of the instance, by project key and slug. */
export interface BbdcRepoPath {
  readonly projectKey: string;
  readonly slug: string;
}

/** What scm-connect posts as a comment (`RestComment`): summary, inline (`anchor`) or reply (`parent`). */
export interface BbdcNewComment {
  readonly text: string;
  readonly anchor?: BbdcAnchorBody;
  readonly parent?: { readonly id: number };
}

/** An anchor as it is sent: on the new side (`fileType: TO`) of the effective diff between two commits. */
export type BbdcAnchorBody = Required<Pick<BbdcAnchor, 'path' | 'line'>> & {
  readonly srcPath?: string;
  readonly lineType: 'ADDED' | 'CONTEXT';
  readonly fileType: 'TO';
  readonly diffType: 'EFFECTIVE';
  readonly fromHash: string;
  readonly toHash: string;
};

/** `RestBuildStatusSetRequest`. */
export interface BbdcBuildStatus {
  readonly key: string;
  readonly state: 'INPROGRESS' | 'SUCCESSFUL' | 'FAILED';
  readonly name: string;
  readonly url: string;
  readonly description: string;
}

/** The pull request calls of the Data Center REST API; refusals come back as answers to read. */
export interface BbdcPullRequestClient {
  pullRequest(repo: BbdcRepoPath, id: number): Promise<BbdcAnswer<BbdcPullRequest>>;
  /** The effective diff of the pull request, every file, without embedded comments. */
  diff(repo: BbdcRepoPath, id: number): Promise<BbdcAnswer<BbdcPullRequestDiff>>;
  /** The pull request's activities, newest first, 1,000 per page. */
  activities(repo: BbdcRepoPath, id: number): AsyncIterable<BbdcActivity>;
  comment(repo: BbdcRepoPath, id: number, commentId: string): Promise<BbdcAnswer<BbdcComment>>;
  createComment(repo: BbdcRepoPath, id: number, body: BbdcNewComment): Promise<BbdcAnswer<BbdcComment>>;
  updateComment(
    repo: BbdcRepoPath,
    id: number,
    commentId: string,
    body: { readonly version: number; readonly text?: string; readonly threadResolved?: boolean },
  ): Promise<BbdcAnswer<BbdcComment>>;
  deleteComment(
    repo: BbdcRepoPath,
    id: number,
    commentId: string,
    version: number,
  ): Promise<BbdcAnswer<unknown>>;
  /** Stores a build status on a commit: the repository resource (7.14+), or the build-status one deprecated in 7.14. */
  setBuildStatus(
    repo: BbdcRepoPath,
    commitId: string,
    status: BbdcBuildStatus,
    resource: 'repository' | 'legacy',
  ): Promise<BbdcAnswer<unknown>>;
  /** Users whose name, user name or e-mail contains `filter` and who hold `permission` on the repository. */
  usersWithPermission(repo: BbdcRepoPath, permission: string, filter: string): AsyncIterable<BbdcUser>;
}

const api = '/rest/api/1.0';
const repoPath = ({ projectKey, slug }: BbdcRepoPath) =>
  `${api}/projects/${encodeURIComponent(projectKey)}/repos/${encodeURIComponent(slug)}`;
const prPath = (repo: BbdcRepoPath, id: number) => `${repoPath(repo)}/pull-requests/${id}`;
const commentPath = (repo: BbdcRepoPath, id: number, commentId: string) =>
  `${prPath(repo, id)}/comments/${encodeURIComponent(commentId)}`;

/** Data Center answers 409 for stale versions, comments with replies and archived repositories. */
const reader = { ...bbdcAnswerReader, refused: [400, 401, 403, 404, 409] };

export function createBbdcPullRequestClient(http: ScmHttp): BbdcPullRequestClient {
  const answer = <T>(request: ScmRequest, schema: ZodType<T>) =>
    requestOrRefusal(http, request, schema, reader);

  return {
    // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}
    pullRequest: (repo, id) => answer({ path: prPath(repo, id) }, pullRequestSchema),

    // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/diff?withComments=false
    diff: (repo, id) =>
      answer({ path: `${prPath(repo, id)}/diff`, query: { withComments: false } }, pullRequestDiffSchema),

    activities: (repo, id) =>
      // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/activities?start=&limit=1000
      http.paginate(
        { path: `${prPath(repo, id)}/activities` },
        startLimitPagination({ limit: bbdcPageLimit }),
        activitySchema,
      ),

    // GET /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/comments/{commentId}
    comment: (repo, id, commentId) => answer({ path: commentPath(repo, id, commentId) }, commentSchema),

    // POST /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/comments
    createComment: (repo, id, body) =>
      answer({ method: 'POST', path: `${prPath(repo, id)}/comments`, body }, commentSchema),

    // PUT /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/comments/{commentId}
    updateComment: (repo, id, commentId, body) =>
      answer({ method: 'PUT', path: commentPath(repo, id, commentId), body }, commentSchema),

    // DELETE /rest/api/1.0/projects/{KEY}/repos/{slug}/pull-requests/{id}/comments/{commentId}?version=
    deleteComment: (repo, id, commentId, version) =>
      answer({ method: 'DELETE', path: commentPath(repo, id, commentId), query: { version } }, z.unknown()),

    setBuildStatus: (repo, commitId, status, resource) =>
      answer(
        {
          method: 'POST',
          path:
            resource === 'repository'
              ? // POST /rest/api/1.0/projects/{KEY}/repos/{slug}/commits/{commitId}/builds
                `${repoPath(repo)}/commits/${encodeURIComponent(commitId)}/builds`
              : // POST /rest/build-status/1.0/commits/{commitId}
                `/rest/build-status/1.0/commits/${encodeURIComponent(commitId)}`,
          body: status,
        },
        z.unknown(),
      ),

    usersWithPermission: (repo, permission, filter) =>
      // GET /rest/api/1.0/users?filter=&permission.1=REPO_WRITE&permission.1.projectKey=&permission.1.repositorySlug=
      http.paginate(
        {
          path: `${api}/users`,
          query: {
            filter,
            'permission.1': permission,
            'permission.1.projectKey': repo.projectKey,
            'permission.1.repositorySlug': repo.slug,
          },
        },
        startLimitPagination({ limit: bbdcPageLimit }),
        userSchema,
      ),
  };
}
