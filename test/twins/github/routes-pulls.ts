import type { ApiContext, createApi } from './api.js';
import { renderDiff } from './diff-lines.js';
import { notFound, validationFailed } from './errors.js';
import type { RepoEvents } from './repo-events.js';
import { issueCommentCreated } from './webhook-payloads.js';
import { checkBody, jsonBody, pullOf } from './route-helpers.js';
import type { GitHubState, RepoRecord } from './state.js';
import { iso } from './state.js';

type Api = ReturnType<typeof createApi>;

const commentPermissions = [
  ['issues', 'write'],
  ['pull_requests', 'write'],
] as const;
const commentReadPermissions = [
  ['issues', 'read'],
  ['pull_requests', 'read'],
] as const;

/** Pull requests (list, read, diff, files, create) and issue comments on them. */
export function registerPullRoutes(api: Api, state: GitHubState, events: RepoEvents): void {
  // GET /repos/{owner}/{repo}/pulls
  api.route('GET', '/repos/:owner/:repo/pulls', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const stateFilter = req.url.searchParams.get('state') ?? 'open';
    const head = req.url.searchParams.get('head');
    const base = req.url.searchParams.get('base');
    const pulls = [...state.pulls.values()]
      .filter((p) => p.repoId === repo.id)
      .filter((p) => stateFilter === 'all' || p.state === stateFilter)
      .filter(
        (p) => !head || `${repo.owner}:${p.head}`.toLowerCase() === head.toLowerCase() || p.head === head,
      )
      .filter((p) => !base || p.base === base)
      .sort((a, b) => b.number - a.number);
    const page = ctx.paginate(pulls);
    return { headers: page.headers, body: page.items.map((p) => ctx.shapes.pullSimple(repo, p)) };
  });

  // GET /repos/{owner}/{repo}/pulls/{pull_number}
  api.route('GET', '/repos/:owner/:repo/pulls/:number', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const pull = pullOf(state, repo, req.params.number!);
    const accept = String(req.headers.accept ?? '');
    if (/application\/vnd\.github(\.v3)?\.diff/.test(accept)) {
      return {
        headers: {
          'content-type': 'application/vnd.github.diff; charset=utf-8',
          'x-github-media-type': 'github.v3; param=diff',
        },
        body: renderDiff(pull.files),
      };
    }
    return { body: ctx.shapes.pull(repo, pull) };
  });

  // GET /repos/{owner}/{repo}/pulls/{pull_number}/files
  api.route('GET', '/repos/:owner/:repo/pulls/:number/files', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['pull_requests', 'read']);
    const pull = pullOf(state, repo, req.params.number!);
    const page = ctx.paginate(pull.files);
    return { headers: page.headers, body: page.items.map((f) => ctx.shapes.diffEntry(repo, pull, f)) };
  });

  // POST /repos/{owner}/{repo}/pulls
  api.route(
    'POST',
    '/repos/:owner/:repo/pulls',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(['pull_requests', 'write']);
      const body = jsonBody(req);
      const { title, base } = body;
      const head = typeof body.head === 'string' ? body.head.replace(/^[^:]+:/, '') : undefined;
      if (typeof title !== 'string' || title.length === 0) {
        throw validationFailed([{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]);
      }
      const branches = state.git(repo).branches;
      if (!head || !branches.has(head))
        throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
      if (typeof base !== 'string' || !branches.has(base)) {
        throw validationFailed([{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
      }
      const existing = [...state.pulls.values()].find(
        (p) => p.repoId === repo.id && p.state === 'open' && p.head === head && p.base === base,
      );
      if (existing) {
        throw validationFailed([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.owner}:${head}.`,
          },
        ]);
      }
      if (branches.get(head) === branches.get(base)) {
        throw validationFailed([
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` },
        ]);
      }
      const pull = state.createPull(repo, {
        title,
        body: typeof body.body === 'string' ? body.body : null,
        authorId: ctx.authorId(),
        head,
        base,
        draft: body.draft === true,
        files: [],
      });
      return { status: 201, body: ctx.shapes.pull(repo, pull) };
    },
    true,
  );

  // GET /repos/{owner}/{repo}/issues/{issue_number}/comments
  api.route('GET', '/repos/:owner/:repo/issues/:number/comments', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(...commentReadPermissions);
    pullOf(state, repo, req.params.number!);
    const comments = [...state.issueComments.values()]
      .filter((c) => c.repoId === repo.id && c.number === Number(req.params.number))
      .sort((a, b) => a.id - b.id);
    const page = ctx.paginate(comments);
    return { headers: page.headers, body: page.items.map((c) => ctx.shapes.issueComment(repo, c)) };
  });

  // POST /repos/{owner}/{repo}/issues/{issue_number}/comments
  api.route(
    'POST',
    '/repos/:owner/:repo/issues/:number/comments',
    'token',
    (req, ctx) => {
      const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
      ctx.need(...commentPermissions);
      const pull = pullOf(state, repo, req.params.number!);
      const text = checkBody(jsonBody(req).body, 'IssueComment');
      const appId = ctx.caller.kind === 'installation' ? ctx.caller.app.id : undefined;
      const comment = state.addIssueComment(repo, pull.number, ctx.authorId(), appId, text);
      events.send(
        repo,
        'issue_comment',
        state.users.get(comment.authorId)!,
        issueCommentCreated(state, ctx.shapes, repo, pull, comment),
      );
      return {
        status: 201,
        headers: {
          location: `${req.origin}${req.path.replace(/\/issues\/\d+\/comments$/, '')}/issues/comments/${comment.id}`,
        },
        body: ctx.shapes.issueComment(repo, comment),
      };
    },
    true,
  );

  const issueCommentOf = (ctx: ApiContext, repo: RepoRecord, id: string) => {
    const comment = state.issueComments.get(Number(id));
    if (!comment || comment.repoId !== repo.id)
      throw notFound('https://docs.github.com/rest/issues/comments#get-an-issue-comment');
    return comment;
  };

  // GET /repos/{owner}/{repo}/issues/comments/{comment_id}
  api.route('GET', '/repos/:owner/:repo/issues/comments/:id', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(...commentReadPermissions);
    return { body: ctx.shapes.issueComment(repo, issueCommentOf(ctx, repo, req.params.id!)) };
  });

  // PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
  api.route('PATCH', '/repos/:owner/:repo/issues/comments/:id', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(...commentPermissions);
    const comment = issueCommentOf(ctx, repo, req.params.id!);
    comment.body = checkBody(jsonBody(req).body, 'IssueComment');
    comment.updatedAt = iso(state.now());
    return { body: ctx.shapes.issueComment(repo, comment) };
  });

  // DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}
  api.route('DELETE', '/repos/:owner/:repo/issues/comments/:id', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(...commentPermissions);
    state.issueComments.delete(issueCommentOf(ctx, repo, req.params.id!).id);
    return { status: 204 };
  });
}
