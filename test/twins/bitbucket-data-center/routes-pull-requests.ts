import type { TwinRequest } from '../server/twin-server.js';
import { bbError, bbErrors, repoLevel, requireRepo, type BbPrincipal } from './access.js';
import { jsonBody, pageParams, pullRequestFor, repoFor, webBase, type BbRouteContext } from './context.js';
import type { BitbucketAnchorSpec } from './scenario.js';
import { commentAddedEvent } from './pr-events.js';
import { commentJson, page, pullRequestJson } from './shapes.js';
import type { BbComment, BbPullRequest, BbRepo } from './state.js';

const pkg = 'com.atlassian.bitbucket';
const lineTypes = ['ADDED', 'REMOVED', 'CONTEXT'] as const;
const fileTypes = ['FROM', 'TO'] as const;
const diffTypes = ['EFFECTIVE', 'COMMIT', 'RANGE'] as const;

const oneOf = <T extends string>(values: readonly T[], value: unknown, field: string): T | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw bbErrors.invalid(field, `${field} must be one of ${values.join(', ')}.`);
};

/** Validates an `anchor` the way the REST reference describes it (`RestCommentThreadDiffAnchor`). */
function parseAnchor(raw: unknown): BitbucketAnchorSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object') throw bbErrors.invalid('anchor', 'anchor must be an object.');
  const a = raw as Record<string, unknown>;
  if (typeof a.path !== 'string' || !a.path)
    throw bbErrors.invalid('anchor.path', 'A path is required for an anchor.');
  if (a.line !== undefined && (typeof a.line !== 'number' || !Number.isInteger(a.line) || a.line < 1)) {
    throw bbErrors.invalid('anchor.line', 'anchor.line must be a positive integer.');
  }
  const hasHashes = a.fromHash !== undefined || a.toHash !== undefined;
  if (hasHashes && a.diffType === undefined) {
    throw bbErrors.invalid('anchor.diffType', 'diffType is required when fromHash or toHash is supplied.');
  }
  return {
    path: a.path,
    ...(typeof a.line === 'number' ? { line: a.line } : {}),
    ...(a.lineType === undefined ? {} : { lineType: oneOf(lineTypes, a.lineType, 'anchor.lineType') }),
    ...(a.fileType === undefined ? {} : { fileType: oneOf(fileTypes, a.fileType, 'anchor.fileType') }),
    ...(a.diffType === undefined ? {} : { diffType: oneOf(diffTypes, a.diffType, 'anchor.diffType') }),
    ...(typeof a.srcPath === 'string' ? { srcPath: a.srcPath } : {}),
    ...(typeof a.fromHash === 'string' ? { fromHash: a.fromHash } : {}),
    ...(typeof a.toHash === 'string' ? { toHash: a.toHash } : {}),
  };
}

const branchName = (ref: unknown, field: string): string => {
  const id = ref && typeof ref === 'object' ? (ref as Record<string, unknown>).id : undefined;
  if (typeof id !== 'string' || !id) throw bbErrors.invalid(field, `${field}.id is required.`);
  return id.replace(/^refs\/heads\//, '');
};

/** Pull requests, their comments (with anchors and versions) and activities. */
export function addPullRequestRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;
  const prPath = '/projects/:key/repos/:slug/pull-requests';

  const readable = (request: TwinRequest, principal: BbPrincipal | undefined): BbRepo => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 1);
    return repo;
  };
  const commentOf = (pr: BbPullRequest, request: TwinRequest): BbComment => {
    const comment = pr.comments.find((c) => c.id === Number(request.params.commentId));
    if (!comment) throw bbErrors.noComment(request.params.commentId!);
    return comment;
  };

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests
  route('GET', api, prPath, (request, principal) => {
    const repo = readable(request, principal);
    const wanted = (request.url.searchParams.get('state') ?? 'OPEN').toUpperCase();
    const at = request.url.searchParams.get('at');
    const prs = [...repo.pullRequests.values()]
      .filter((pr) => wanted === 'ALL' || pr.state === wanted)
      .filter((pr) => !at || `refs/heads/${pr.toBranch}` === at || pr.toBranch === at)
      .sort((a, b) => b.id - a.id);
    const { start, limit } = pageParams(request);
    const base = webBase(state, request);
    const values = prs
      .slice(start, start + limit)
      .map((pr) => pullRequestJson(base, repo, pr, state.features));
    return { body: page(values, start, limit, prs.length) };
  });

  // POST /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests
  route('POST', api, prPath, (request, principal) => {
    const repo = readable(request, principal);
    const body = jsonBody(request);
    if (typeof body.title !== 'string' || !body.title)
      throw bbErrors.invalid('title', 'A title is required.');
    const from = branchName(body.fromRef, 'fromRef');
    const to = branchName(body.toRef, 'toRef');
    if (repo.archived) throw bbErrors.archived(repo);
    for (const [name, field] of [
      [from, 'fromRef'],
      [to, 'toRef'],
    ] as const) {
      if (!repo.branches.has(name)) {
        throw bbError(
          404,
          `${pkg}.repository.NoSuchBranchException`,
          `Branch refs/heads/${name} does not exist.`,
          field,
        );
      }
    }
    if (repo.branches.get(from)!.head === repo.branches.get(to)!.head) {
      throw bbError(
        409,
        `${pkg}.pull.EmptyPullRequestException`,
        `refs/heads/${from} is already up-to-date with refs/heads/${to}.`,
      );
    }
    const duplicate = [...repo.pullRequests.values()].find(
      (p) => p.state === 'OPEN' && p.fromBranch === from && p.toBranch === to,
    );
    if (duplicate) {
      throw bbError(
        409,
        `${pkg}.pull.DuplicatePullRequestException`,
        'Only one pull request may be open for a given source and target branch',
      );
    }
    const at = state.now();
    const pr: BbPullRequest = {
      id: Math.max(0, ...repo.pullRequests.keys()) + 1,
      version: 0,
      title: body.title,
      description: typeof body.description === 'string' ? body.description : undefined,
      fromBranch: from,
      toBranch: to,
      baseCommit: repo.branches.get(to)!.head,
      author: principal!.user,
      state: 'OPEN',
      closedDate: undefined,
      createdDate: at,
      updatedDate: at,
      comments: [],
    };
    repo.pullRequests.set(pr.id, pr);
    return { status: 201, body: pullRequestJson(webBase(state, request), repo, pr, state.features) };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}
  route('GET', api, `${prPath}/:id`, (request, principal) => {
    const repo = readable(request, principal);
    return {
      body: pullRequestJson(webBase(state, request), repo, pullRequestFor(repo, request), state.features),
    };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/activities
  route('GET', api, `${prPath}/:id/activities`, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    const base = webBase(state, request);
    const roots = pr.comments
      .filter((c) => c.parentId === undefined)
      .sort((a, b) => b.createdDate - a.createdDate);
    const activities = roots.map((c) => ({
      id: c.id,
      createdDate: c.createdDate,
      user: commentJson(base, repo, pr, c).author,
      action: 'COMMENTED',
      commentAction: 'ADDED',
      comment: commentJson(base, repo, pr, c, principal?.user),
      ...(c.anchor ? { commentAnchor: commentJson(base, repo, pr, c).anchor } : {}),
    }));
    const { start, limit } = pageParams(request);
    return { body: page(activities.slice(start, start + limit), start, limit, activities.length) };
  });

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/comments?path=
  route('GET', api, `${prPath}/:id/comments`, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    const path = request.url.searchParams.get('path');
    if (!path) throw bbErrors.invalid('path', 'The path query parameter is required.');
    const base = webBase(state, request);
    const found = pr.comments.filter((c) => c.parentId === undefined && c.anchor?.path === path);
    const { start, limit } = pageParams(request);
    const values = found
      .slice(start, start + limit)
      .map((c) => commentJson(base, repo, pr, c, principal?.user));
    return { body: page(values, start, limit, found.length) };
  });

  // POST /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/comments
  route('POST', api, `${prPath}/:id/comments`, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    const body = jsonBody(request);
    if (typeof body.text !== 'string' || !body.text.trim())
      throw bbErrors.invalid('text', 'Comment text must not be blank.');
    if (repo.archived) throw bbErrors.archived(repo);
    const parentRaw =
      body.parent && typeof body.parent === 'object'
        ? (body.parent as Record<string, unknown>).id
        : undefined;
    const parentId = typeof parentRaw === 'number' ? parentRaw : undefined;
    if (parentId !== undefined && !pr.comments.some((c) => c.id === parentId)) {
      throw bbErrors.noComment(String(parentId));
    }
    const at = state.now();
    const comment: BbComment = {
      id: state.nextId('comment'),
      version: 0,
      text: body.text,
      author: principal!.user,
      anchor: parentId === undefined ? parseAnchor(body.anchor) : undefined,
      parentId,
      severity: body.severity === 'BLOCKER' ? 'BLOCKER' : 'NORMAL',
      createdDate: at,
      updatedDate: at,
      threadResolved: undefined,
    };
    pr.comments.push(comment);
    const base = webBase(state, request);
    ctx.deliver(repo, 'pr:comment:added', commentAddedEvent(state, base, repo, pr, comment));
    return { status: 201, body: commentJson(base, repo, pr, comment, principal?.user) };
  });

  const commentPath = `${prPath}/:id/comments/:commentId`;

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/comments/{commentId}
  route('GET', api, commentPath, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    return { body: commentJson(webBase(state, request), repo, pr, commentOf(pr, request), principal?.user) };
  });

  const outOfDate = () =>
    bbError(
      409,
      `${pkg}.comment.CommentOutOfDateException`,
      'You are attempting to modify a comment based on out-of-date information.',
    );

  // PUT /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/comments/{commentId}
  route('PUT', api, commentPath, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    const comment = commentOf(pr, request);
    const body = jsonBody(request);
    if (typeof body.version !== 'number')
      throw bbErrors.invalid('version', 'The comment version is required.');
    if (body.version !== comment.version) throw outOfDate();
    if (repo.archived) throw bbErrors.archived(repo);
    if (typeof body.text === 'string') {
      if (comment.author.name !== principal!.user.name) throw bbErrors.notPermitted();
      comment.text = body.text;
    }
    if (typeof body.threadResolved === 'boolean') {
      // "Only the author of the comment, the author of the pull request or repository admins and above may
      // update the other fields of a comment."
      const user = principal!.user;
      if (comment.author.name !== user.name && pr.author.name !== user.name && repoLevel(principal, repo) < 3)
        throw bbErrors.notPermitted();
      if (comment.parentId !== undefined)
        throw bbErrors.invalid('threadResolved', 'Only the root comment of a thread can resolve it.');
      comment.threadResolved = body.threadResolved ? { by: user, at: state.now() } : undefined;
    }
    comment.version += 1;
    comment.updatedDate = state.now();
    return { body: commentJson(webBase(state, request), repo, pr, comment, principal?.user) };
  });

  // DELETE /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/comments/{commentId}?version=
  route('DELETE', api, commentPath, (request, principal) => {
    const repo = readable(request, principal);
    const pr = pullRequestFor(repo, request);
    const comment = commentOf(pr, request);
    const version = request.url.searchParams.get('version');
    if (version === null) throw bbErrors.invalid('version', 'The comment version is required.');
    if (Number(version) !== comment.version) throw outOfDate();
    if (comment.author.name !== principal!.user.name && repoLevel(principal, repo) < 3)
      throw bbErrors.notPermitted();
    if (pr.comments.some((c) => c.parentId === comment.id)) {
      throw bbError(
        409,
        `${pkg}.comment.CommentDeletionException`,
        'A comment which has replies cannot be deleted.',
      );
    }
    pr.comments.splice(pr.comments.indexOf(comment), 1);
    return { status: 204 };
  });
}
