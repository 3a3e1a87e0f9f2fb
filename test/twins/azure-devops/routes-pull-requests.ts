import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import {
  addOrgRoute,
  adoError,
  adoErrors,
  projectRole,
  type AdoCaller,
  type AdoRouteOptions,
} from './access.js';
import type { AdoTwinEvents } from './events.js';
import { changesBetween } from './iterations.js';
import { gitRepoFor } from './routes-git.js';
import { iterationJson, list, pullRequestJson, pullRequestStatusJson } from './shapes.js';
import type { AdoPullRequest, AzureDevOpsState } from './state.js';

const gitNs = 'Microsoft.TeamFoundation.SourceControl.WebServer';
const statusStates = ['notSet', 'pending', 'succeeded', 'failed', 'error', 'notApplicable'];

const objectBody = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};

/**
 * Pull request iterations and their changes, statuses, the pull request update that abandons or completes it,
 * and comment deletion (`git/7.1/git.json`: Pull Request Iterations, Pull Request Iteration Changes, Pull Request
 * Statuses, Pull Requests - Update, Pull Request Thread Comments - Delete).
 */
export function addPullRequestRoutes(
  state: AzureDevOpsState,
  router: TwinRouter,
  events: AdoTwinEvents,
): void {
  const both = (
    method: string,
    tail: string,
    options: AdoRouteOptions,
    handler: Parameters<typeof addOrgRoute>[5],
  ) => {
    const path = `/repositories/:repo/pullRequests/:prId${tail}`;
    addOrgRoute(state, router, method, `/:org/:project/_apis/git${path}`, options, handler);
    addOrgRoute(state, router, method, `/:org/_apis/git${path}`, options, handler);
  };
  const read = { scope: ['vso.code'] };
  const statusRead = { scope: ['vso.code', 'vso.code_status'] };
  const statusWrite = { scope: ['vso.code_write', 'vso.code_status'] };
  const threadsWrite = { scope: ['vso.code_write', 'vso.threads_full'] };

  const prOf = (request: TwinRequest, caller: AdoCaller): AdoPullRequest => {
    const repo = gitRepoFor(state, request, caller);
    const pr = repo.pullRequests.get(Number(request.params.prId));
    if (!pr) throw adoErrors.pullRequestNotFound();
    return pr;
  };
  const iterationOf = (pr: AdoPullRequest, raw: string | undefined) => {
    const iteration = pr.iterations.find((i) => i.id === Number(raw));
    if (!iteration) {
      throw adoError(
        404,
        'GitPullRequestIterationNotFoundException',
        `The iteration ${raw ?? ''} of pull request ${pr.id} was not found.`,
        gitNs,
      );
    }
    return iteration;
  };
  const needsContribute = (caller: AdoCaller, pr: AdoPullRequest) => {
    if (projectRole(caller, pr.repo.project) === 'projectReader') {
      throw adoErrors.needsGitPermission(caller.pat.user.principalName, 'GenericContribute');
    }
  };

  // GET …/pullRequests/{pullRequestId}/iterations
  both('GET', '/iterations', read, (request, caller) => {
    const pr = prOf(request, caller);
    return { body: list(pr.iterations.map((i) => iterationJson(request.origin, pr, i))) };
  });

  // GET …/pullRequests/{pullRequestId}/iterations/{iterationId}
  both('GET', '/iterations/:iterationId', read, (request, caller) => {
    const pr = prOf(request, caller);
    return { body: iterationJson(request.origin, pr, iterationOf(pr, request.params.iterationId)) };
  });

  // GET …/iterations/{iterationId}/changes?$top=&$skip=&$compareTo= (default 100, at most 2000 per answer)
  both('GET', '/iterations/:iterationId/changes', read, (request, caller) => {
    const pr = prOf(request, caller);
    const iteration = iterationOf(pr, request.params.iterationId);
    const q = request.url.searchParams;
    const top = Math.min(Number.parseInt(q.get('$top') ?? '', 10) || 100, 2000);
    const skip = Math.max(Number.parseInt(q.get('$skip') ?? '', 10) || 0, 0);
    const compareTo = Number.parseInt(q.get('$compareTo') ?? '', 10) || 0;
    const base = compareTo === 0 ? iteration.commonCommit : iterationOf(pr, String(compareTo)).sourceCommit;
    const all = changesBetween(pr, base, iteration.sourceCommit);
    const more = skip + top < all.length;
    return {
      body: {
        changeEntries: all.slice(skip, skip + top),
        nextSkip: more ? skip + top : 0,
        nextTop: more ? top : 0,
      },
    };
  });

  // GET …/pullRequests/{pullRequestId}/statuses
  both('GET', '/statuses', statusRead, (request, caller) => {
    const pr = prOf(request, caller);
    return { body: list(pr.statuses.map((s) => pullRequestStatusJson(request.origin, pr, s))) };
  });

  // POST …/pullRequests/{pullRequestId}/statuses: `context.name` is required; `iterationId` ties it to an iteration
  both('POST', '/statuses', statusWrite, (request, caller) => {
    const pr = prOf(request, caller);
    const body = objectBody(request);
    const context = (body.context ?? {}) as { name?: unknown; genre?: unknown };
    if (typeof context.name !== 'string' || context.name === '') {
      throw adoErrors.invalidArgument('The status context name cannot be null or empty.');
    }
    if (body.iterationId !== undefined) iterationOf(pr, String(body.iterationId));
    const state_ = body.state ?? 'notSet';
    const named =
      typeof state_ === 'number' ? statusStates[state_] : statusStates.find((s) => s === String(state_));
    if (named === undefined) throw adoErrors.invalidArgument(`Invalid status state '${String(state_)}'.`);
    const status = {
      id: Math.max(0, ...pr.statuses.map((s) => s.id)) + 1,
      iterationId: body.iterationId === undefined ? undefined : Number(body.iterationId),
      state: named,
      description: typeof body.description === 'string' ? body.description : '',
      context: { name: context.name, genre: typeof context.genre === 'string' ? context.genre : undefined },
      targetUrl: typeof body.targetUrl === 'string' ? body.targetUrl : undefined,
      createdBy: caller.pat.user,
      creationDate: state.now(),
    };
    pr.statuses.push(status);
    return { body: pullRequestStatusJson(request.origin, pr, status) };
  });

  const statusNotFound = (id: string | undefined) =>
    adoError(404, 'GitPullRequestStatusNotFoundException', `The status ${id ?? ''} was not found.`, gitNs);

  // GET …/pullRequests/{pullRequestId}/statuses/{statusId}
  both('GET', '/statuses/:statusId', statusRead, (request, caller) => {
    const pr = prOf(request, caller);
    const status = pr.statuses.find((s) => s.id === Number(request.params.statusId));
    if (!status) throw statusNotFound(request.params.statusId);
    return { body: pullRequestStatusJson(request.origin, pr, status) };
  });

  // DELETE …/pullRequests/{pullRequestId}/statuses/{statusId} (204)
  both('DELETE', '/statuses/:statusId', statusWrite, (request, caller) => {
    const pr = prOf(request, caller);
    const index = pr.statuses.findIndex((s) => s.id === Number(request.params.statusId));
    if (index < 0) throw statusNotFound(request.params.statusId);
    pr.statuses.splice(index, 1);
    return { status: 204 };
  });

  // PATCH …/pullRequests/{pullRequestId}: `status` abandoned or completed (completing merges into the target)
  both('PATCH', '', { scope: ['vso.code_write'] }, (request, caller) => {
    const pr = prOf(request, caller);
    const body = objectBody(request);
    if (body.status === 'abandoned' || body.status === 'completed') {
      if (pr.status !== 'active') {
        throw adoError(
          409,
          'InvalidPullRequestException',
          `TF401181: The pull request cannot be edited due to its state.`,
          gitNs,
        );
      }
      const last = pr.iterations.at(-1);
      if (body.status === 'completed') {
        needsContribute(caller, pr);
        const given = (body.lastMergeSourceCommit as { commitId?: unknown } | undefined)?.commitId;
        if (given !== undefined && given !== last?.sourceCommit) {
          throw adoError(
            409,
            'GitPullRequestStaleException',
            'TF401192: The pull request was updated while you were completing it.',
            gitNs,
          );
        }
        const source = pr.repo.commits.get(last?.sourceCommit ?? '');
        const merged = state.commit(
          pr.repo,
          pr.repo.refs.get(pr.targetRefName),
          `Merged PR ${pr.id}: ${pr.title}`,
          new Map(source?.files ?? []),
        );
        pr.repo.refs.set(pr.targetRefName, merged.id);
        pr.mergeCommit = merged.id;
      }
      pr.status = body.status;
      pr.closedDate = state.now();
      events.pullRequestClosed(request.origin, pr);
    }
    if (typeof body.title === 'string' && body.title !== '') pr.title = body.title;
    if (typeof body.description === 'string') pr.description = body.description;
    return { body: pullRequestJson(request.origin, pr) };
  });

  // DELETE …/threads/{threadId}/comments/{commentId}: the author's own comment, kept in the thread as deleted
  both('DELETE', '/threads/:threadId/comments/:commentId', threadsWrite, (request, caller) => {
    const pr = prOf(request, caller);
    const thread = pr.threads.find((t) => t.id === Number(request.params.threadId));
    if (!thread) {
      throw adoError(
        404,
        'CodeReviewThreadNotFoundException',
        `The thread ${request.params.threadId} was not found.`,
        gitNs,
      );
    }
    const comment = thread.comments.find((c) => c.id === Number(request.params.commentId) && !c.isDeleted);
    if (!comment) {
      throw adoError(
        404,
        'CodeReviewCommentNotFoundException',
        `The comment ${request.params.commentId} was not found.`,
        gitNs,
      );
    }
    if (comment.author.id !== caller.pat.user.id) {
      throw adoError(
        403,
        'CodeReviewUnauthorizedException',
        'Only the author of a comment can delete it.',
        gitNs,
      );
    }
    comment.isDeleted = true;
    comment.lastUpdatedDate = state.now();
    thread.lastUpdatedDate = comment.lastUpdatedDate;
    return { status: 200 };
  });
}
