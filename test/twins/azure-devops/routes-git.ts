import type { TwinRequest, TwinRouter } from '../server/twin-server.js';
import {
  addOrgRoute,
  adoError,
  adoErrors,
  projectRole,
  type AdoCaller,
  type AdoRouteOptions,
} from './access.js';
import {
  commentJson,
  identityRef,
  list,
  pullRequestJson,
  repoJson,
  repoJsonFor,
  threadJson,
} from './shapes.js';
import type { AdoTwinEvents } from './events.js';
import { pushRacedCommit } from './ci-control.js';
import { recordPush } from './iterations.js';
import { newPullRequest } from './pull-requests.js';
import { zeroId, type AdoPullRequest, type AdoRepo, type AdoThread, type AzureDevOpsState } from './state.js';

const gitNs = 'Microsoft.TeamFoundation.SourceControl.WebServer';
/** Thread status and comment type as numbers (what the SDK sends) → the names the service answers with. */
const threadStatuses = ['unknown', 'active', 'fixed', 'wontFix', 'closed', 'byDesign', 'pending'];
const commentTypes = ['unknown', 'text', 'codeChange', 'system'];
const pullRequestStatuses = ['notSet', 'active', 'abandoned', 'completed', 'all'];
const maxCommentLength = 150_000;

const enumName = (names: readonly string[], value: unknown, fallback: string): string => {
  if (typeof value === 'number' && names[value]) return names[value]!;
  if (typeof value === 'string') {
    const found = names.find((n) => n.toLowerCase() === value.toLowerCase());
    if (found) return found;
  }
  if (value === undefined) return fallback;
  throw adoErrors.invalidArgument(`Invalid value '${String(value)}'.`);
};

/**
 * A thread's place: a `/`-rooted file path, and positions with a line of at least 1 whose end does not come
 * before its start. Azure DevOps does not hold the lines to the diff: any line of a file may carry a thread.
 */
function checkThreadContext(context: Record<string, unknown>): void {
  if (typeof context.filePath !== 'string' || !context.filePath.startsWith('/')) {
    throw adoErrors.invalidArgument('threadContext.filePath must be a path starting with /.');
  }
  for (const side of ['left', 'right']) {
    const start = context[`${side}FileStart`] as { line?: unknown } | null | undefined;
    const end = context[`${side}FileEnd`] as { line?: unknown } | null | undefined;
    for (const position of [start, end]) {
      if (position && (typeof position.line !== 'number' || position.line < 1)) {
        throw adoErrors.invalidArgument(`threadContext.${side}File positions need a line of at least 1.`);
      }
    }
    if (start && end && (end.line as number) < (start.line as number)) {
      throw adoErrors.invalidArgument(`threadContext.${side}FileEnd comes before ${side}FileStart.`);
    }
  }
}

const bodyOf = (request: TwinRequest): Record<string, unknown> => {
  const body = request.json<unknown>();
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw adoErrors.invalidArgument('The request body is required.');
  return body as Record<string, unknown>;
};

/**
 * The repository of a route's `{repositoryId}` (name or id; by id only without `{project}`), as the caller
 * may see it: `TF401019` / project not found otherwise.
 */
export function gitRepoFor(state: AzureDevOpsState, request: TwinRequest, caller: AdoCaller): AdoRepo {
  const key = request.params.repo!;
  if (request.params.project) {
    const project = state.findProject(caller.org, request.params.project);
    if (!project || projectRole(caller, project) === undefined)
      throw adoErrors.projectNotFound(request.params.project);
    const repo = state.findRepo(project, key);
    if (!repo) throw adoErrors.repoNotFound(key);
    return repo;
  }
  const repo = state.findRepoById(caller.org, key);
  if (!repo || projectRole(caller, repo.project) === undefined) throw adoErrors.repoNotFound(key);
  return repo;
}

/** Repositories, refs, pushes, pull requests and their threads; every route with and without `{project}`. */
export function addGitRoutes(state: AzureDevOpsState, router: TwinRouter, events: AdoTwinEvents): void {
  const both = (
    method: string,
    tail: string,
    options: AdoRouteOptions,
    handler: Parameters<typeof addOrgRoute>[5],
  ) => {
    addOrgRoute(state, router, method, `/:org/:project/_apis/git${tail}`, options, handler);
    addOrgRoute(state, router, method, `/:org/_apis/git${tail}`, options, handler);
  };
  // Scopes as each operation's reference page lists them.
  const read = { scope: ['vso.code'] };
  const write = { scope: ['vso.code_write'] };
  const threadsRead = { scope: ['vso.code', 'vso.threads_full'] };
  const threadsWrite = { scope: ['vso.code_write', 'vso.threads_full'] };

  const repoFor = (request: TwinRequest, caller: AdoCaller): AdoRepo => gitRepoFor(state, request, caller);
  // Readers hold Read and Contribute to pull requests by default ("Default Git repository and branch
  // permissions"); pushing takes Contribute, which Contributors have.
  const requireContribute = (caller: AdoCaller, repo: AdoRepo, permission: string) => {
    if (permission !== 'PullRequestContribute' && projectRole(caller, repo.project) === 'projectReader') {
      throw adoErrors.needsGitPermission(caller.pat.user.principalName, permission);
    }
  };
  const prFor = (request: TwinRequest, repo: AdoRepo): AdoPullRequest => {
    const pr = repo.pullRequests.get(Number(request.params.prId));
    if (!pr) throw adoErrors.pullRequestNotFound();
    return pr;
  };
  const threadFor = (request: TwinRequest, pr: AdoPullRequest): AdoThread => {
    const thread = pr.threads.find((t) => t.id === Number(request.params.threadId));
    if (!thread)
      throw adoError(
        404,
        'CodeReviewThreadNotFoundException',
        `The thread ${request.params.threadId} was not found.`,
        gitNs,
      );
    return thread;
  };

  // GET /{org}[/{project}]/_apis/git/repositories (not paginated)
  both('GET', '/repositories', read, (request, caller) => {
    const projects = request.params.project
      ? [state.findProject(caller.org, request.params.project)]
      : caller.org.projects.filter((p) => projectRole(caller, p) !== undefined);
    const [first] = projects;
    if (!first || projectRole(caller, first) === undefined)
      throw adoErrors.projectNotFound(request.params.project ?? '');
    const value = [];
    for (const project of projects as NonNullable<(typeof projects)[number]>[]) {
      const toJson = repoJsonFor(request.origin, project);
      for (let i = 0; i < state.repoCount(project); i++) value.push(toJson(state.repoAt(project, i)));
    }
    return { body: list(value) };
  });

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}
  both('GET', '/repositories/:repo', read, (request, caller) => ({
    body: { ...repoJson(request.origin, repoFor(request, caller)), _links: {} },
  }));

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/refs?filter=heads/main
  both('GET', '/repositories/:repo/refs', read, (request, caller) => {
    const repo = repoFor(request, caller);
    const filter = request.url.searchParams.get('filter') ?? '';
    const value = [...repo.refs.entries()]
      .filter(([name]) => name.startsWith(`refs/${filter}`))
      .map(([name, objectId]) => ({
        name,
        objectId,
        creator: identityRef(request.origin, caller.pat.user),
        url: `${repoJson(request.origin, repo).url}/refs?filter=${encodeURIComponent(name.slice(5))}`,
      }));
    return { body: list(value) };
  });

  // POST /{org}[/{project}]/_apis/git/repositories/{repositoryId}/pushes
  both('POST', '/repositories/:repo/pushes', write, (request, caller) => {
    const repo = repoFor(request, caller);
    requireContribute(caller, repo, 'GenericContribute');
    const body = bodyOf(request);
    const refUpdates = Array.isArray(body.refUpdates) ? (body.refUpdates as Record<string, unknown>[]) : [];
    const commits = Array.isArray(body.commits) ? (body.commits as Record<string, unknown>[]) : [];
    const [update] = refUpdates;
    if (
      !update ||
      typeof update.name !== 'string' ||
      typeof update.oldObjectId !== 'string' ||
      commits.length === 0
    ) {
      throw adoErrors.invalidArgument(
        'A push needs one refUpdate {name, oldObjectId} and at least one commit.',
      );
    }
    pushRacedCommit(state, repo, update.name);
    if (repo.policyRefs.has(update.name)) {
      // "Require a minimum number of reviewers" and the other branch policies refuse direct pushes.
      throw adoError(
        403,
        'GitRefUpdateRejectedByPolicyException',
        'TF402455: Pushes to this branch are not permitted; you must use a pull request to update this branch.',
        'Microsoft.TeamFoundation.Git.Server',
      );
    }
    const current = repo.refs.get(update.name);
    const old = update.oldObjectId;
    // A new ref may start from zeros or from an existing commit (the official example passes the base commit).
    const stale = current !== undefined ? current !== old : old !== zeroId && !repo.commits.has(old);
    if (stale) {
      throw adoError(
        409,
        'GitReferenceStaleException',
        `TF401028: The reference '${update.name}' has already been updated by another client, so you cannot update it. Please try again.`,
        gitNs,
      );
    }
    let parent = current ?? (old === zeroId ? undefined : old);
    const created = [];
    for (const c of commits) {
      const files = new Map(parent ? repo.commits.get(parent)!.files : []);
      for (const change of Array.isArray(c.changes) ? (c.changes as Record<string, unknown>[]) : []) {
        const path = (change.item as { path?: unknown } | undefined)?.path;
        if (typeof path !== 'string') throw adoErrors.invalidArgument('Each change needs item.path.');
        const type = String(change.changeType ?? '').toLowerCase();
        const content = change.newContent as { content?: unknown; contentType?: unknown } | undefined;
        const text =
          typeof content?.content === 'string'
            ? content.contentType === 'base64encoded' || content.contentType === 1
              ? Buffer.from(content.content, 'base64').toString('utf8')
              : content.content
            : '';
        if (type === 'add' || type === '1') {
          if (files.has(path)) {
            throw adoError(
              400,
              'GitPathAlreadyExistsException',
              `TF401247: The path '${path}' already exists.`,
              gitNs,
            );
          }
          files.set(path, text);
        } else if (type === 'edit' || type === '2') {
          if (!files.has(path))
            throw adoError(
              404,
              'GitItemNotFoundException',
              `TF401174: The item '${path}' could not be found.`,
              gitNs,
            );
          files.set(path, text);
        } else if (type === 'delete' || type === '16') {
          files.delete(path);
        } else {
          throw adoErrors.invalidArgument(`Unsupported changeType '${String(change.changeType)}'.`);
        }
      }
      const commit = state.commit(repo, parent, typeof c.comment === 'string' ? c.comment : '', files);
      created.push(commit);
      parent = commit.id;
    }
    repo.refs.set(update.name, parent!);
    recordPush(repo, update.name, state.now());
    const pushedBy = identityRef(request.origin, caller.pat.user);
    return {
      status: 201,
      body: {
        commits: created.map((c) => ({
          commitId: c.id,
          comment: c.comment,
          author: { name: caller.pat.user.displayName, email: caller.pat.user.principalName },
        })),
        refUpdates: [{ repositoryId: repo.id, name: update.name, oldObjectId: old, newObjectId: parent }],
        repository: repoJson(request.origin, repo),
        pushedBy,
        pushId: repo.commits.size,
        date: state.now(),
        url: `${repoJson(request.origin, repo).url}/pushes/${repo.commits.size}`,
      },
    };
  });

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/pullrequests?searchCriteria.status=
  both('GET', '/repositories/:repo/pullRequests', read, (request, caller) => {
    const repo = repoFor(request, caller);
    const q = request.url.searchParams;
    const rawStatus = q.get('searchCriteria.status') ?? 'active';
    const status = enumName(
      pullRequestStatuses,
      /^\d+$/.test(rawStatus) ? Number(rawStatus) : rawStatus,
      'active',
    );
    const source = q.get('searchCriteria.sourceRefName');
    const target = q.get('searchCriteria.targetRefName');
    const prs = [...repo.pullRequests.values()]
      .filter((pr) => status === 'all' || pr.status === status)
      .filter((pr) => (!source || pr.sourceRefName === source) && (!target || pr.targetRefName === target))
      .sort((a, b) => b.id - a.id);
    const skip = Number(q.get('$skip') ?? 0);
    const top = Number(q.get('$top') ?? 101);
    return { body: list(prs.slice(skip, skip + top).map((pr) => pullRequestJson(request.origin, pr))) };
  });

  // POST /{org}[/{project}]/_apis/git/repositories/{repositoryId}/pullrequests
  both('POST', '/repositories/:repo/pullRequests', write, (request, caller) => {
    const repo = repoFor(request, caller);
    requireContribute(caller, repo, 'PullRequestContribute');
    const body = bodyOf(request);
    const { sourceRefName: source, targetRefName: target, title } = body;
    if (typeof source !== 'string' || typeof target !== 'string' || typeof title !== 'string' || !title) {
      throw adoErrors.invalidArgument('sourceRefName, targetRefName and title are required.');
    }
    if (!repo.refs.has(source) || !repo.refs.has(target)) {
      throw adoError(
        400,
        'GitPullRequestInvalidRefsException',
        'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
        gitNs,
      );
    }
    const duplicate = [...repo.pullRequests.values()].some(
      (pr) => pr.status === 'active' && pr.sourceRefName === source && pr.targetRefName === target,
    );
    if (duplicate) {
      throw adoError(
        409,
        'GitPullRequestExistsException',
        'TF401179: An active pull request for the source and target branch already exists.',
        gitNs,
      );
    }
    const pr = newPullRequest(state, repo, {
      title,
      description: typeof body.description === 'string' ? body.description : '',
      sourceRefName: source,
      targetRefName: target,
      createdBy: caller.pat.user,
      isDraft: body.isDraft === true,
    });
    return { status: 201, body: pullRequestJson(request.origin, pr) };
  });

  // GET /{org}[/{project}]/_apis/git/repositories/{repositoryId}/pullrequests/{pullRequestId}
  both('GET', '/repositories/:repo/pullRequests/:prId', read, (request, caller) => ({
    body: pullRequestJson(request.origin, prFor(request, repoFor(request, caller))),
  }));

  const threads = '/repositories/:repo/pullRequests/:prId/threads';

  // GET …/pullRequests/{pullRequestId}/threads
  both('GET', threads, threadsRead, (request, caller) => {
    const pr = prFor(request, repoFor(request, caller));
    return { body: list(pr.threads.map((t) => threadJson(request.origin, pr, t))) };
  });

  const parseComment = (raw: unknown, author: AdoCaller['pat']['user'], id: number, parent: number) => {
    const c = (raw ?? {}) as Record<string, unknown>;
    if (typeof c.content !== 'string' || !c.content)
      throw adoErrors.invalidArgument('A comment needs content.');
    if (c.content.length > maxCommentLength) {
      throw adoErrors.invalidArgument(
        `The comment content exceeds the maximum length of ${maxCommentLength} characters.`,
      );
    }
    const at = state.now();
    return {
      id,
      parentCommentId: typeof c.parentCommentId === 'number' ? c.parentCommentId : parent,
      author,
      content: c.content,
      commentType: enumName(commentTypes, c.commentType, 'text'),
      publishedDate: at,
      lastUpdatedDate: at,
      isDeleted: false,
    };
  };

  // POST …/pullRequests/{pullRequestId}/threads (vso.code_write or vso.threads_full)
  both('POST', threads, threadsWrite, (request, caller) => {
    const repo = repoFor(request, caller);
    requireContribute(caller, repo, 'PullRequestContribute');
    const pr = prFor(request, repo);
    const body = bodyOf(request);
    const comments = Array.isArray(body.comments) ? body.comments : [];
    if (comments.length === 0) throw adoErrors.invalidArgument('A thread needs at least one comment.');
    const context = body.threadContext as Record<string, unknown> | null | undefined;
    if (context) checkThreadContext(context);
    const at = state.now();
    const thread: AdoThread = {
      id: Math.max(0, ...pr.threads.map((t) => t.id)) + 1,
      status: enumName(threadStatuses, body.status, 'active'),
      threadContext: context ?? undefined,
      pullRequestThreadContext:
        (body.pullRequestThreadContext as Record<string, unknown> | undefined) ?? undefined,
      publishedDate: at,
      lastUpdatedDate: at,
      properties: (body.properties as Record<string, unknown> | undefined) ?? undefined,
      comments: comments.map((c, i) => parseComment(c, caller.pat.user, i + 1, i === 0 ? 0 : 1)),
    };
    pr.threads.push(thread);
    events.commentAdded(request.origin, pr, thread, thread.comments[0]!);
    return { body: threadJson(request.origin, pr, thread) };
  });

  // GET …/threads/{threadId}
  both('GET', `${threads}/:threadId`, threadsRead, (request, caller) => {
    const pr = prFor(request, repoFor(request, caller));
    return { body: threadJson(request.origin, pr, threadFor(request, pr)) };
  });

  // PATCH …/threads/{threadId} (status)
  both('PATCH', `${threads}/:threadId`, threadsWrite, (request, caller) => {
    const repo = repoFor(request, caller);
    requireContribute(caller, repo, 'PullRequestContribute');
    const pr = prFor(request, repo);
    const thread = threadFor(request, pr);
    const body = bodyOf(request);
    thread.status = enumName(threadStatuses, body.status, thread.status);
    if (body.properties && typeof body.properties === 'object')
      thread.properties = body.properties as Record<string, unknown>;
    thread.lastUpdatedDate = state.now();
    return { body: threadJson(request.origin, pr, thread) };
  });

  // POST …/threads/{threadId}/comments (a reply)
  both('POST', `${threads}/:threadId/comments`, threadsWrite, (request, caller) => {
    const repo = repoFor(request, caller);
    requireContribute(caller, repo, 'PullRequestContribute');
    const pr = prFor(request, repo);
    const thread = threadFor(request, pr);
    const comment = parseComment(
      bodyOf(request),
      caller.pat.user,
      Math.max(0, ...thread.comments.map((c) => c.id)) + 1,
      1,
    );
    thread.comments.push(comment);
    thread.lastUpdatedDate = comment.publishedDate;
    events.commentAdded(request.origin, pr, thread, comment);
    const threadUrl = threadJson(request.origin, pr, thread)._links.self.href;
    return { body: commentJson(request.origin, threadUrl, comment) };
  });

  // PATCH …/threads/{threadId}/comments/{commentId} (content; author only)
  both('PATCH', `${threads}/:threadId/comments/:commentId`, threadsWrite, (request, caller) => {
    const pr = prFor(request, repoFor(request, caller));
    const thread = threadFor(request, pr);
    const comment = thread.comments.find((c) => c.id === Number(request.params.commentId) && !c.isDeleted);
    if (!comment)
      throw adoError(
        404,
        'CodeReviewCommentNotFoundException',
        `The comment ${request.params.commentId} was not found.`,
        gitNs,
      );
    if (comment.author.id !== caller.pat.user.id) {
      throw adoError(
        403,
        'CodeReviewUnauthorizedException',
        'Only the author of a comment can edit it.',
        gitNs,
      );
    }
    const body = bodyOf(request);
    if (typeof body.content !== 'string' || body.content.length > maxCommentLength) {
      throw adoErrors.invalidArgument(`content is required and at most ${maxCommentLength} characters.`);
    }
    comment.content = body.content;
    comment.lastUpdatedDate = state.now();
    thread.lastUpdatedDate = comment.lastUpdatedDate;
    const threadUrl = threadJson(request.origin, pr, thread)._links.self.href;
    return { body: commentJson(request.origin, threadUrl, comment) };
  });
}
