import type { PullRequestDiff, PullRequestDiffFile, PullRequestRef } from '../provider.js';
import { newSideRanges } from '../unified-diff.js';
import { onInstallation, pagesOf, type GitHubContext } from './provider-context.js';
import { githubPageSize } from './repos.js';
import { ownerAndRepo, parseGitHub, pullFileSchema, pullRequestSchema } from './schemas.js';

const stateOf = (pull: { state: string; merged?: boolean | null | undefined; merged_at?: string | null }) =>
  pull.merged === true || (pull.merged_at ?? null) !== null
    ? 'merged'
    : pull.state === 'closed'
      ? 'closed'
      : 'open';

/**
 * The pull request and its diff: `GET …/pulls/{n}` for its state and commits, then its files (up to 3,000, 100 a
 * page). A removed file has no new side; a file without `patch` (binary, or a diff too large for GitHub to show)
 * is listed with no line to comment on.
 */
export async function readPullRequestDiff(
  context: GitHubContext,
  pr: PullRequestRef,
): Promise<PullRequestDiff> {
  const { owner, repo } = ownerAndRepo(pr.repository.fullName);
  // GET /repos/{owner}/{repo}/pulls/{pull_number}
  const answer = await onInstallation(context, 'read the pull request', () =>
    context
      .octokit()
      .request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: pr.number }),
  );
  const pull = parseGitHub(pullRequestSchema, answer.data, 'pull request');
  // GET /repos/{owner}/{repo}/pulls/{pull_number}/files?per_page=100
  const pages = context.octokit().paginate.iterator('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
    owner,
    repo,
    pull_number: pr.number,
    per_page: githubPageSize,
  });
  const files: PullRequestDiffFile[] = [];
  for await (const item of pagesOf<unknown>(context, 'list the files of the pull request', pages)) {
    const file = parseGitHub(pullFileSchema, item, 'pull request file');
    if (file.status === 'removed') continue;
    files.push({ path: file.filename, commentable: file.patch ? newSideRanges(file.patch) : [] });
  }
  return { headSha: pull.head.sha, baseSha: pull.base.sha, files, state: stateOf(pull) };
}
