import { ScmError } from '../errors.js';
import type { PullRequestRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import { ownerAndRepo, parseGitHub, reviewThreadsSchema, type ReviewThreadsPage } from './schemas.js';

/*
 * Review threads through GitHub's GraphQL API: REST has no thread and no resolve. A thread is found by the
 * database id of its first comment (the REST id of the root review comment).
 */

/** A review thread: its node id, whether it is resolved, and the REST id of its first comment. */
export interface ReviewThread {
  readonly nodeId: string;
  readonly resolved: boolean;
  readonly rootCommentId: string;
}

const threadsQuery = `query($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`;

const resolveMutation = `mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`;

const unresolveMutation = `mutation($threadId: ID!) {
  unresolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}`;

/** What `octokit.graphql` rejects with when the answer has `errors` (HTTP 200). */
interface GraphqlResponseError extends Error {
  readonly errors: readonly { readonly type?: string; readonly message?: string }[];
}

const isGraphqlResponseError = (error: unknown): error is GraphqlResponseError =>
  error instanceof Error &&
  error.name === 'GraphqlResponseError' &&
  Array.isArray((error as { errors?: unknown }).errors);

/** GraphQL's `errors[].type` as an ScmError; messages never carry GitHub's text. */
function graphqlError(error: GraphqlResponseError, what: string): ScmError {
  const types = new Set(error.errors.map((e) => e.type));
  if (types.has('NOT_FOUND')) {
    return new ScmError('not-found', `GitHub found nothing to ${what} (or the app may not see it).`, {
      code: 'scm_not_found',
    });
  }
  if (types.has('FORBIDDEN')) {
    return new ScmError('forbidden', `GitHub refused to ${what}: the app lacks a permission.`, {
      code: 'insufficient_permissions',
      fix: 'Grant the app `pull_requests: write` and accept the new permissions on the installation.',
    });
  }
  if (types.has('RATE_LIMITED')) {
    return new ScmError('rate-limited', `GitHub rate limited the request to ${what}.`, {
      code: 'rate_limited',
    });
  }
  return new ScmError('invalid', `GitHub refused the request to ${what} as invalid.`, {
    code: 'upstream_rejected',
  });
}

async function graphql(
  context: GitHubContext,
  what: string,
  document: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  return onInstallation(context, what, async () => {
    try {
      return await context.octokit().graphql<unknown>(document, variables);
    } catch (error) {
      throw isGraphqlResponseError(error) ? graphqlError(error, what) : error;
    }
  });
}

/** Every review thread of the pull request (100 a query), in GitHub's order. */
export async function listReviewThreads(context: GitHubContext, pr: PullRequestRef): Promise<ReviewThread[]> {
  const { owner, repo } = ownerAndRepo(pr.repository.fullName);
  const threads: ReviewThread[] = [];
  let cursor: string | null = null;
  for (;;) {
    // POST /graphql: repository.pullRequest.reviewThreads
    const data: ReviewThreadsPage = parseGitHub(
      reviewThreadsSchema,
      await graphql(context, 'list the review threads', threadsQuery, {
        owner,
        name: repo,
        number: pr.number,
        cursor,
      }),
      'review thread list',
    );
    const connection = data.repository?.pullRequest?.reviewThreads;
    if (!connection) {
      throw new ScmError(
        'not-found',
        `GitHub found no pull request #${pr.number} to list review threads of.`,
        {
          code: 'scm_not_found',
        },
      );
    }
    for (const node of connection.nodes) {
      const root = node?.comments.nodes[0]?.databaseId;
      if (node && root !== undefined && root !== null) {
        threads.push({ nodeId: node.id, resolved: node.isResolved, rootCommentId: String(root) });
      }
    }
    if (!connection.pageInfo.hasNextPage || connection.pageInfo.endCursor === null) return threads;
    cursor = connection.pageInfo.endCursor;
  }
}

/** Resolves (or unresolves) the thread; a thread already in that state is left alone (no write). */
export async function setThreadResolved(
  context: GitHubContext,
  pr: PullRequestRef,
  rootCommentId: string,
  resolved: boolean,
): Promise<void> {
  const thread = (await listReviewThreads(context, pr)).find((t) => t.rootCommentId === rootCommentId);
  if (!thread) {
    throw new ScmError(
      'not-found',
      `GitHub has no review thread of comment ${rootCommentId} on this pull request.`,
      {
        code: 'comment_not_found',
        fix: 'The comment may have been deleted; it is posted again on the next scan.',
      },
    );
  }
  if (thread.resolved === resolved) return;
  // POST /graphql: resolveReviewThread / unresolveReviewThread
  await graphql(
    context,
    resolved ? 'resolve the review thread' : 'reopen the review thread',
    resolved ? resolveMutation : unresolveMutation,
    { threadId: thread.nodeId },
  );
}
