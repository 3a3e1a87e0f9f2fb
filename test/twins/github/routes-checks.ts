import type { ApiContext, createApi } from './api.js';
import { notFound, validationFailed } from './errors.js';
import { jsonBody, type Body } from './route-helpers.js';
import type { CheckRunRecord, GitHubState, RepoRecord } from './state.js';
import { iso } from './state.js';

type Api = ReturnType<typeof createApi>;
type Json = Record<string, unknown>;

/*
 * Check runs ("REST API endpoints for check runs"): an app creates and updates its own runs on a commit
 * (`checks: write`); anyone who reads the repository lists a commit's runs. Shapes follow the `check-run`
 * component of GitHub's OpenAPI description.
 */

const statuses = new Set(['queued', 'in_progress', 'completed']);
const conclusions = new Set([
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
]);

const invalid = (field: string) => validationFailed([{ resource: 'CheckRun', code: 'invalid', field }]);

export function registerCheckRoutes(api: Api, state: GitHubState): void {
  const appOf = (ctx: ApiContext): number => {
    if (ctx.caller.kind !== 'installation') {
      throw validationFailed([
        { resource: 'CheckRun', code: 'custom', message: 'Only GitHub Apps can create check runs.' },
      ]);
    }
    return ctx.caller.app.id;
  };

  function shape(ctx: ApiContext, repo: RepoRecord, run: CheckRunRecord): Json {
    const api = String(ctx.shapes.repo(repo).url);
    const html = `${String(ctx.shapes.repo(repo).html_url)}/runs/${run.id}`;
    const app = state.apps.get(run.appId);
    const pulls = [...state.pulls.values()].filter(
      (p) => p.repoId === repo.id && p.state === 'open' && p.headSha === run.headSha,
    );
    const side = (ref: string, sha: string) => ({
      ref,
      sha,
      repo: { id: repo.id, url: api, name: repo.name },
    });
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: ctx.shapes.nodeId('CheckRun', run.id),
      external_id: run.externalId ?? '',
      url: `${api}/check-runs/${run.id}`,
      html_url: html,
      details_url: run.detailsUrl ?? html,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        title: run.title,
        summary: run.summary,
        text: run.text,
        annotations_count: 0,
        annotations_url: `${api}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: run.id + 1_000_000 },
      app: app ? ctx.shapes.app(app) : null,
      pull_requests: pulls.map((p) => ({
        url: `${api}/pulls/${p.number}`,
        id: p.id,
        number: p.number,
        head: side(p.head, p.headSha),
        base: side(p.base, p.baseSha),
      })),
    };
  }

  /** Applies `status`, `conclusion` and `output` of a create or update body. */
  function apply(run: CheckRunRecord, body: Body): void {
    if (body.status !== undefined) {
      if (typeof body.status !== 'string' || !statuses.has(body.status)) throw invalid('status');
      run.status = body.status as CheckRunRecord['status'];
    }
    if (body.conclusion !== undefined) {
      if (typeof body.conclusion !== 'string' || !conclusions.has(body.conclusion))
        throw invalid('conclusion');
      run.conclusion = body.conclusion;
      run.status = 'completed';
    }
    if (run.status === 'completed' && run.conclusion === null) {
      throw validationFailed([{ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' }]);
    }
    if (run.status !== 'completed') run.conclusion = null;
    run.completedAt = run.status === 'completed' ? (run.completedAt ?? iso(state.now())) : null;
    if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
    if (typeof body.external_id === 'string') run.externalId = body.external_id;
    if (body.output !== undefined) {
      const output = body.output as Body | null;
      if (typeof output !== 'object' || output === null) throw invalid('output');
      if (typeof output.title !== 'string' || typeof output.summary !== 'string') throw invalid('output');
      if (output.summary.length > 65_535) throw invalid('output.summary');
      run.title = output.title;
      run.summary = output.summary;
      run.text = typeof output.text === 'string' ? output.text : null;
    }
  }

  // POST /repos/{owner}/{repo}/check-runs
  api.route('POST', '/repos/:owner/:repo/check-runs', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(['checks', 'write']);
    const appId = appOf(ctx);
    const body = jsonBody(req);
    if (typeof body.name !== 'string' || body.name === '') {
      throw validationFailed([{ resource: 'CheckRun', code: 'missing_field', field: 'name' }]);
    }
    if (typeof body.head_sha !== 'string' || !state.git(repo).commits.has(body.head_sha)) {
      throw validationFailed([{ resource: 'CheckRun', code: 'invalid', field: 'head_sha' }]);
    }
    const run: CheckRunRecord = {
      id: state.newId(),
      repoId: repo.id,
      appId,
      name: body.name,
      headSha: body.head_sha,
      status: 'queued',
      conclusion: null,
      detailsUrl: null,
      externalId: null,
      title: null,
      summary: null,
      text: null,
      startedAt: iso(state.now()),
      completedAt: null,
    };
    apply(run, body);
    state.checkRuns.set(run.id, run);
    return { status: 201, body: shape(ctx, repo, run) };
  });

  const runOf = (repo: RepoRecord, id: string): CheckRunRecord => {
    const run = state.checkRuns.get(Number(id));
    if (!run || run.repoId !== repo.id)
      throw notFound('https://docs.github.com/rest/checks/runs#get-a-check-run');
    return run;
  };

  // GET /repos/{owner}/{repo}/check-runs/{check_run_id}
  api.route('GET', '/repos/:owner/:repo/check-runs/:id', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['checks', 'read']);
    return { body: shape(ctx, repo, runOf(repo, req.params.id!)) };
  });

  // PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}
  api.route('PATCH', '/repos/:owner/:repo/check-runs/:id', 'token', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!, { write: true });
    ctx.need(['checks', 'write']);
    const run = runOf(repo, req.params.id!);
    if (run.appId !== appOf(ctx))
      throw notFound('https://docs.github.com/rest/checks/runs#update-a-check-run');
    apply(run, jsonBody(req));
    return { body: shape(ctx, repo, run) };
  });

  // GET /repos/{owner}/{repo}/commits/{ref}/check-runs
  api.route('GET', '/repos/:owner/:repo/commits/:ref/check-runs', 'any', (req, ctx) => {
    const repo = ctx.repo(req.params.owner!, req.params.repo!);
    ctx.need(['checks', 'read']);
    const git = state.git(repo);
    const ref = req.params.ref!;
    const sha = git.commits.has(ref) ? ref : git.branches.get(ref.replace(/^(refs\/)?heads\//, ''));
    if (!sha)
      throw validationFailed([
        { resource: 'Commit', code: 'custom', message: `No commit found for SHA: ${ref}` },
      ]);
    const query = req.url.searchParams;
    const name = query.get('check_name');
    const status = query.get('status');
    const appId = query.get('app_id');
    let runs = [...state.checkRuns.values()]
      .filter((r) => r.repoId === repo.id && r.headSha === sha)
      .filter((r) => name === null || r.name === name)
      .filter((r) => status === null || r.status === status)
      .filter((r) => appId === null || String(r.appId) === appId)
      .sort((a, b) => b.id - a.id);
    if ((query.get('filter') ?? 'latest') === 'latest') {
      const seen = new Set<string>();
      runs = runs.filter((r) => {
        const key = `${r.appId}|${r.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    const page = ctx.paginate(runs);
    return {
      headers: page.headers,
      body: { total_count: runs.length, check_runs: page.items.map((r) => shape(ctx, repo, r)) },
    };
  });
}
