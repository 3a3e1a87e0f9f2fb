import type { TwinRequest } from '../server/twin-server.js';
import { empty, type BitbucketApi } from './api.js';
import { bbError, needs, notForAccessTokens, type BitbucketCaller } from './auth.js';
import type { BitbucketDeliverer } from './deliveries.js';
import { repositoryEntity } from './payloads.js';
import { fieldError } from './routes-repositories.js';
import type {
  BitbucketBuildStatus,
  BitbucketComment,
  BitbucketPullRequest,
  BitbucketRepository,
  BitbucketRepositoryPermission,
} from './state.js';
import { diffLinesOf, unifiedDiff } from './unified-diff.js';
import { page } from './views.js';

interface CommentBody {
  content?: { raw?: unknown };
  inline?: { path?: unknown; to?: unknown; from?: unknown; start_to?: unknown };
  parent?: { id?: unknown };
}

interface BuildStatusBody {
  key?: unknown;
  state?: unknown;
  name?: unknown;
  url?: unknown;
  description?: unknown;
  refname?: unknown;
}

const buildStates = ['FAILED', 'INPROGRESS', 'STOPPED', 'SUCCESSFUL'] as const;
const optionalLine = (value: unknown, field: string): number | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw fieldError(`inline.${field}`, 'Ensure this value is greater than or equal to 1.');
  return value;
};

/**
 * Pull request comments (list, get, create with `inline` and `parent`, edit, delete, resolve, reopen), the pull
 * request diff and "Compare two commits", build statuses, and the repository permissions of users. A new comment
 * is delivered as `pullrequest:comment_created` to the hooks subscribed to it.
 */
export function addPullRequestRoutes(api: BitbucketApi, deliverer: BitbucketDeliverer): void {
  const { views, state } = api;
  const repoOf = (request: TwinRequest, caller: BitbucketCaller) =>
    api.repository(caller, request.params.workspace!, request.params.slug!);
  const prOf = (request: TwinRequest, caller: BitbucketCaller) => {
    const repo = repoOf(request, caller);
    return { repo, pr: api.pullRequest(repo, request.params.id!) };
  };
  const findComment = (pr: BitbucketPullRequest, id: string): BitbucketComment => {
    const comment = pr.comments.find((c) => c.id === Number(id));
    if (!comment) throw bbError(404, 'Comment not found');
    return comment;
  };
  const requireAuthor = (caller: BitbucketCaller, comment: BitbucketComment) => {
    if (comment.author.uuid !== caller.actor.uuid) throw bbError(403, 'You can only edit your own comments');
  };
  const rawOf = (body: CommentBody) => {
    const raw = body.content?.raw;
    if (typeof raw !== 'string' || raw === '') throw fieldError('content', 'This field is required.');
    return raw;
  };
  /** The pull request's diff: its source head against the merge base with the destination. */
  const diffOf = (repo: BitbucketRepository, pr: BitbucketPullRequest) => {
    const head = repo.branches.get(pr.source)?.hash;
    const destination = repo.branches.get(pr.destination)?.hash;
    if (!head || !destination) throw bbError(404, 'The source or destination branch no longer exists');
    return diffBetween(repo, head, destination, true);
  };
  const diffBetween = (repo: BitbucketRepository, source: string, destination: string, topic: boolean) => {
    const from = state.filesAt(repo, source);
    const to = state.filesAt(repo, destination);
    if (!from || !to) throw bbError(404, `Commit not found: ${!from ? source : destination}`);
    const base = topic ? (state.mergeBase(repo, from.hash, to.hash) ?? to.hash) : to.hash;
    return unifiedDiff(state.filesAt(repo, base)!.files, from.files);
  };

  api.get('/repositories/:workspace/:slug/pullrequests/:id/comments', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    return { body: page(request, pr.comments, (c) => views.comment(repo, pr, c)) };
  });

  api.get('/repositories/:workspace/:slug/pullrequests/:id/comments/:comment_id', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    return { body: views.comment(repo, pr, findComment(pr, request.params.comment_id!)) };
  });

  api.post('/repositories/:workspace/:slug/pullrequests/:id/comments', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    const body = request.json<CommentBody>() ?? {};
    const raw = rawOf(body);
    let inline: { path: string; to: number | null; from: number | null; startTo: number | null } | undefined;
    if (body.inline !== undefined) {
      if (typeof body.inline.path !== 'string' || body.inline.path === '')
        throw fieldError('inline.path', 'This field is required.');
      inline = {
        path: body.inline.path,
        to: optionalLine(body.inline.to, 'to'),
        from: optionalLine(body.inline.from, 'from'),
        startTo: optionalLine(body.inline.start_to, 'start_to'),
      };
      if (inline.startTo !== null && (inline.to === null || inline.startTo > inline.to))
        throw bbError(400, '"start_to" must be less than or equal to "to"');
    }
    const parentId = body.parent?.id === undefined ? undefined : Number(body.parent.id);
    if (parentId !== undefined) {
      const parent = findComment(pr, String(parentId));
      if (parent.deleted) throw bbError(400, 'parent: Cannot reply to a deleted comment.');
    }
    const comment = state.addComment(pr, caller.actor, raw, inline, parentId);
    void deliverer.deliver(repo, 'pullrequest:comment_created', {
      actor: views.actor(caller.actor),
      repository: repositoryEntity(views, repo),
      pullrequest: views.pullRequest(repo, pr),
      comment: views.comment(repo, pr, comment),
    });
    return {
      status: 201,
      headers: { location: views.comment(repo, pr, comment).links.self.href },
      body: views.comment(repo, pr, comment),
    };
  });

  api.put('/repositories/:workspace/:slug/pullrequests/:id/comments/:comment_id', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    const comment = findComment(pr, request.params.comment_id!);
    if (comment.deleted) throw bbError(404, 'Comment not found');
    requireAuthor(caller, comment);
    comment.raw = rawOf(request.json<CommentBody>() ?? {});
    comment.updatedOn = new Date().toISOString();
    return { body: views.comment(repo, pr, comment) };
  });

  api.delete('/repositories/:workspace/:slug/pullrequests/:id/comments/:comment_id', (request, caller) => {
    caller.require(needs.prRead);
    const { pr } = prOf(request, caller);
    const comment = findComment(pr, request.params.comment_id!);
    if (comment.deleted) throw bbError(404, 'Comment not found');
    requireAuthor(caller, comment);
    comment.deleted = true;
    return empty(204);
  });

  // "Resolve a comment thread": 403 for a reply or a comment not on the diff, 409 when already resolved.
  api.post(
    '/repositories/:workspace/:slug/pullrequests/:id/comments/:comment_id/resolve',
    (request, caller) => {
      caller.require(needs.prRead);
      const { repo, pr } = prOf(request, caller);
      const comment = findComment(pr, request.params.comment_id!);
      if (comment.deleted) throw bbError(404, 'Comment not found');
      if (comment.parentId !== undefined) throw bbError(403, 'Only top-level comments can be resolved.');
      const lines = comment.inline && diffLinesOf(diffOf(repo, pr)).get(comment.inline.path);
      const onDiff = comment.inline?.to == null ? lines !== undefined : lines?.has(comment.inline.to);
      if (!onDiff) throw bbError(403, 'Only comments on the diff can be resolved.');
      if (comment.resolution) throw bbError(409, 'This comment thread is already resolved.');
      comment.resolution = { user: caller.actor, createdOn: new Date().toISOString() };
      return { body: views.resolution(comment.resolution) };
    },
  );

  // "Reopen a comment thread": 404 when it is not resolved.
  api.delete(
    '/repositories/:workspace/:slug/pullrequests/:id/comments/:comment_id/resolve',
    (request, caller) => {
      caller.require(needs.prRead);
      const { pr } = prOf(request, caller);
      const comment = findComment(pr, request.params.comment_id!);
      if (comment.parentId !== undefined) throw bbError(403, 'Only top-level comments can be reopened.');
      if (!comment.resolution) throw bbError(404, 'This comment thread is not resolved.');
      comment.resolution = undefined;
      return empty(204);
    },
  );

  // "List changes in a pull request": a redirect to "Compare two commits" with the pull request's revspec.
  api.get('/repositories/:workspace/:slug/pullrequests/:id/diff', (request, caller) => {
    caller.require(needs.prRead);
    const { repo, pr } = prOf(request, caller);
    const head = repo.branches.get(pr.source)?.hash;
    const destination = repo.branches.get(pr.destination)?.hash;
    if (!head || !destination) throw bbError(404, 'The source or destination branch no longer exists');
    const location = new URL(
      `/2.0/repositories/${repo.workspace.slug}/${repo.slug}/diff/${head.slice(0, 12)}..${destination.slice(0, 12)}`,
      request.origin,
    );
    location.searchParams.set('from_pullrequest_id', String(pr.id));
    location.searchParams.set('topic', 'true');
    return empty(302, { location: location.href });
  });

  // "Compare two commits": `source..destination`, three-dot (`topic`, default true) or two-dot; text/plain.
  api.get('/repositories/:workspace/:slug/diff/*spec', (request, caller) => {
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    const spec = request.params.spec!;
    const [source, destination] = spec.includes('..') ? spec.split('..', 2) : [spec, undefined];
    const topic = request.url.searchParams.get('topic') !== 'false';
    let text: string;
    if (destination === undefined) {
      const at = state.filesAt(repo, source!);
      if (!at) throw bbError(404, `Commit not found: ${source}`);
      const parent = repo.parents.get(at.hash);
      text = unifiedDiff(parent ? repo.commits.get(parent)! : new Map(), at.files);
    } else {
      text = diffBetween(repo, source!, destination, topic);
    }
    return { headers: { 'content-type': 'text/plain' }, body: Buffer.from(text) };
  });

  const statusOf = (request: TwinRequest, caller: BitbucketCaller) => {
    const repo = repoOf(request, caller);
    const at = state.filesAt(repo, request.params.commit!);
    if (!at) throw bbError(404, `Commit not found: ${request.params.commit}`);
    return { repo, hash: at.hash };
  };

  // "Create a build status for a commit": the same key overwrites the existing status.
  api.post('/repositories/:workspace/:slug/commit/:commit/statuses/build', (request, caller) => {
    caller.require(needs.repoRead);
    const { repo, hash } = statusOf(request, caller);
    const body = request.json<BuildStatusBody>() ?? {};
    if (typeof body.key !== 'string' || body.key === '') throw fieldError('key', 'This field is required.');
    if (!buildStates.includes(body.state as (typeof buildStates)[number]))
      throw fieldError('state', `Value must be one of ${buildStates.join(', ')}.`);
    if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url))
      throw fieldError('url', 'Enter a valid URL.');
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const now = new Date().toISOString();
    const statuses = repo.statuses.get(hash) ?? new Map<string, BitbucketBuildStatus>();
    repo.statuses.set(hash, statuses);
    const existing = statuses.get(body.key);
    const status: BitbucketBuildStatus = {
      key: body.key,
      state: body.state as BitbucketBuildStatus['state'],
      name: text(body.name) || body.key,
      url: body.url,
      description: text(body.description),
      refname: typeof body.refname === 'string' ? body.refname : undefined,
      createdOn: existing?.createdOn ?? now,
      updatedOn: now,
    };
    statuses.set(body.key, status);
    return { status: 201, body: views.buildStatus(repo, hash, status) };
  });

  api.get('/repositories/:workspace/:slug/commit/:commit/statuses', (request, caller) => {
    caller.require(needs.repoRead);
    const { repo, hash } = statusOf(request, caller);
    const statuses = [...(repo.statuses.get(hash)?.values() ?? [])];
    return { body: page(request, statuses, (status) => views.buildStatus(repo, hash, status)) };
  });

  // "List a repository permissions for a workspace": effective permissions; repository admins only, never to
  // access tokens; `q` filters by `user.uuid`, `user.account_id` or `permission`.
  api.get('/workspaces/:workspace/permissions/repositories/:slug', (request, caller) => {
    if (caller.accessToken) throw notForAccessTokens();
    caller.require(needs.repoRead);
    const repo = repoOf(request, caller);
    if (state.permissionOf(repo, caller.user!.accountId) !== 'admin')
      throw bbError(403, 'You must be an administrator of this repository to view its permissions.');
    const q = request.url.searchParams.get('q');
    const filter =
      q === null ? undefined : /^\s*(user\.uuid|user\.account_id|permission)\s*=\s*"([^"]*)"\s*$/.exec(q);
    if (q !== null && !filter) throw bbError(400, `Invalid query: ${q}`);
    const entries = [...state.users.values()]
      .map((user) => ({ user, permission: state.permissionOf(repo, user.accountId) }))
      .filter(
        (entry): entry is { user: typeof entry.user; permission: BitbucketRepositoryPermission } =>
          entry.permission !== undefined,
      )
      .filter(({ user, permission }) => {
        if (!filter) return true;
        const value = filter[2];
        if (filter[1] === 'user.uuid') return user.uuid === value;
        if (filter[1] === 'user.account_id') return user.accountId === value;
        return permission === value;
      });
    return {
      body: page(request, entries, ({ user, permission }) => ({
        type: 'repository_permission',
        user: views.actor(user),
        repository: {
          type: 'repository',
          name: repo.name,
          full_name: `${repo.workspace.slug}/${repo.slug}`,
          uuid: repo.uuid,
        },
        permission,
      })),
    };
  });
}
