import { bbErrors, requireRepo } from './access.js';
import { pullRequestFor, repoFor, type BbRouteContext } from './context.js';
import { defaultContextLines, diffTrees } from './diff.js';

/** The effective diff of a pull request: from the target's head when it was opened to the source's head. */
export function addDiffRoutes(ctx: BbRouteContext): void {
  const { state, route, apiPrefixes: api } = ctx;

  // GET /rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/pull-requests/{pullRequestId}/diff
  route('GET', api, '/projects/:key/repos/:slug/pull-requests/:id/diff', (request, principal) => {
    const repo = repoFor(state, request, principal);
    requireRepo(principal, repo, 1);
    const pr = pullRequestFor(repo, request);
    const raw = request.url.searchParams.get('contextLines');
    const contextLines = raw === null ? defaultContextLines : Number.parseInt(raw, 10);
    if (!Number.isInteger(contextLines) || contextLines < 0)
      throw bbErrors.invalid('contextLines', 'contextLines must be a non-negative number.');
    const head = repo.branches.get(pr.fromBranch)?.head ?? pr.baseCommit;
    const base = repo.trees.get(pr.baseCommit) ?? new Map<string, string>();
    const tip = repo.trees.get(head) ?? new Map<string, string>();
    return {
      body: {
        fromHash: pr.baseCommit,
        toHash: head,
        contextLines,
        whitespace: 'SHOW',
        diffs: diffTrees(base, tip, contextLines),
        truncated: false,
      },
    };
  });
}
