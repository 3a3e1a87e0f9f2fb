import type { ApiContext, createApi } from './api.js';
import { hasPermission } from './auth.js';
import { jsonBody } from './route-helpers.js';
import type { GitHubState, PullRecord, RepoRecord, ReviewCommentRecord } from './state.js';

type Api = ReturnType<typeof createApi>;
type Json = Record<string, unknown>;

/*
 * A minimal GitHub GraphQL endpoint ("Forming calls with GraphQL": `POST /graphql`, `POST /api/graphql` on an
 * Enterprise Server; answers `{data, errors}` with HTTP 200). It answers exactly the operations scm-connect
 * sends, recognized by their fields: a pull request's `reviewThreads` (`id`, `isResolved`, first comment's
 * `databaseId`) and the `resolveReviewThread` / `unresolveReviewThread` mutations. Anything else is an error
 * answer, as a field GitHub does not know would be.
 */

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

interface GraphqlError {
  readonly type?: string;
  readonly path?: readonly string[];
  readonly message: string;
}

const answer = (data: Json | null, errors?: readonly GraphqlError[]) => ({
  body: {
    data,
    ...(errors ? { errors: errors.map((e) => ({ ...e, locations: [{ line: 2, column: 3 }] })) } : {}),
  },
});

/** A variable's value, or the literal written in the query for `name`. */
function argument(query: string, name: string, variables: Json): unknown {
  const found = new RegExp(`\\b${name}: (\\$\\w+|"[^"]*"|\\d+)`).exec(query)?.[1];
  if (found === undefined) return undefined;
  if (found.startsWith('$')) return variables[found.slice(1)];
  if (found.startsWith('"')) return found.slice(1, -1);
  return Number(found);
}

export function registerGraphqlRoutes(api: Api, state: GitHubState, path: string): void {
  const threadId = (ctx: ApiContext, root: ReviewCommentRecord) =>
    ctx.shapes.nodeId('PullRequestReviewThread', root.id);
  const roots = (repo: RepoRecord, pull: PullRecord) =>
    [...state.reviewComments.values()]
      .filter((c) => c.repoId === repo.id && c.number === pull.number && c.inReplyTo === undefined)
      .sort((a, b) => a.id - b.id);
  const canWrite = (ctx: ApiContext) =>
    ctx.caller.kind !== 'installation' && ctx.caller.kind !== 'user'
      ? false
      : hasPermission(ctx.caller.token.permissions, 'pull_requests', 'write');

  function reviewThreads(ctx: ApiContext, query: string, variables: Json) {
    const owner = argument(query, 'owner', variables);
    const name = argument(query, 'name', variables);
    const number = argument(query, 'number', variables);
    const repo =
      typeof owner === 'string' && typeof name === 'string' ? state.repoByName(owner, name) : undefined;
    if (!repo || !ctx.canSee(repo)) {
      return answer({ repository: null }, [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          message: `Could not resolve to a Repository with the name '${String(owner)}/${String(name)}'.`,
        },
      ]);
    }
    const pull = typeof number === 'number' ? state.pull(repo, number) : undefined;
    if (!pull) {
      return answer({ repository: { pullRequest: null } }, [
        {
          type: 'NOT_FOUND',
          path: ['repository', 'pullRequest'],
          message: `Could not resolve to a PullRequest with the number of ${String(number)}.`,
        },
      ]);
    }
    const first = Number(/reviewThreads\(first: (\d+)/.exec(query)?.[1] ?? NaN);
    if (!Number.isInteger(first) || first < 1 || first > 100) {
      return answer(null, [
        {
          message: `Requesting ${String(first)} records on the \`reviewThreads\` connection is outside 1 to 100.`,
        },
      ]);
    }
    const after = argument(query, 'after', variables);
    const start =
      typeof after === 'string' ? Number(Buffer.from(after, 'base64').toString().split(':')[1]) + 1 : 0;
    const all = roots(repo, pull);
    const page = all.slice(start, start + first);
    const end = start + page.length - 1;
    const cursor = (index: number) => Buffer.from(`cursor:${index}`).toString('base64');
    return answer({
      repository: {
        pullRequest: {
          reviewThreads: {
            pageInfo: { hasNextPage: end < all.length - 1, endCursor: page.length > 0 ? cursor(end) : null },
            nodes: page.map((root) => ({
              id: threadId(ctx, root),
              isResolved: state.resolvedThreads.has(root.id),
              comments: { nodes: [{ databaseId: root.id }] },
            })),
          },
        },
      },
    });
  }

  function setResolved(ctx: ApiContext, field: string, query: string, variables: Json, resolved: boolean) {
    const id = argument(query, 'threadId', variables);
    const root = [...state.reviewComments.values()].find(
      (c) => c.inReplyTo === undefined && threadId(ctx, c) === id,
    );
    const repo = root ? state.repos.get(root.repoId) : undefined;
    if (!root || !repo || !ctx.canSee(repo)) {
      return answer({ [field]: null }, [
        {
          type: 'NOT_FOUND',
          path: [field],
          message: `Could not resolve to a node with the global id of '${String(id)}'`,
        },
      ]);
    }
    if (!canWrite(ctx)) {
      return answer({ [field]: null }, [
        { type: 'FORBIDDEN', path: [field], message: 'Resource not accessible by integration' },
      ]);
    }
    state.graphqlMutations += 1;
    if (resolved) state.resolvedThreads.set(root.id, ctx.authorId());
    else state.resolvedThreads.delete(root.id);
    return answer({ [field]: { thread: { id: threadId(ctx, root), isResolved: resolved } } });
  }

  // POST /graphql
  api.route(
    'POST',
    path,
    'token',
    (req, ctx) => {
      const body = jsonBody(req);
      const query = typeof body.query === 'string' ? squash(body.query) : '';
      const variables = (
        typeof body.variables === 'object' && body.variables !== null ? body.variables : {}
      ) as Json;
      if (/^mutation\b/.test(query) && /\bresolveReviewThread\(input: \{/.test(query)) {
        return setResolved(ctx, 'resolveReviewThread', query, variables, true);
      }
      if (/^mutation\b/.test(query) && /\bunresolveReviewThread\(input: \{/.test(query)) {
        return setResolved(ctx, 'unresolveReviewThread', query, variables, false);
      }
      if (/^query\b/.test(query) && /\bpullRequest\(number: [^)]*\) \{ reviewThreads\(/.test(query)) {
        return reviewThreads(ctx, query, variables);
      }
      return answer(null, [
        { message: 'This twin answers only the review thread operations of scm-connect.' },
      ]);
    },
    false,
    false,
  );
}
