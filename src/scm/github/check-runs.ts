import { ScmError } from '../errors.js';
import type { CommitStatus, PullRequestRef } from '../provider.js';
import { onInstallation, type GitHubContext } from './provider-context.js';
import { checkRunListSchema, checkRunSchema, idOf, ownerAndRepo, parseGitHub } from './schemas.js';

/*
 * scm-connect's status on a commit is a check run named `scm-connect` (the app has the `checks` permission, not
 * `statuses`). The newest run of that name by this app is updated in place; an unchanged status writes nothing.
 */

/** The check run's name, shown in the pull request's checks. */
export const checkRunName = 'scm-connect';

interface Wanted {
  readonly status: 'in_progress' | 'completed';
  readonly conclusion: 'success' | 'failure' | null;
  readonly title: string;
  readonly summary: string;
  readonly detailsUrl: string;
}

function wanted(status: CommitStatus): Wanted {
  const description = status.description.trim().slice(0, 1000) || checkRunName;
  return {
    status: status.state === 'pending' ? 'in_progress' : 'completed',
    conclusion: status.state === 'pending' ? null : status.state,
    title: description,
    summary: `${description}\n\n${status.targetUrl}`,
    detailsUrl: status.targetUrl,
  };
}

/** Sets scm-connect's check run on `status.commitSha`: created, updated, or left alone when already so. */
export async function setCheckRun(
  context: GitHubContext,
  pr: PullRequestRef,
  status: CommitStatus,
): Promise<void> {
  if (!/^[0-9a-f]{40}$/i.test(status.commitSha)) {
    throw new ScmError('invalid', 'A GitHub commit id is 40 hexadecimal characters.', {
      code: 'invalid_commit',
    });
  }
  const { owner, repo } = ownerAndRepo(pr.repository.fullName);
  const want = wanted(status);
  // GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name=scm-connect&filter=latest&app_id=
  const listed = await onInstallation(context, 'read the check runs of the commit', () =>
    context.octokit().request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner,
      repo,
      ref: status.commitSha,
      check_name: checkRunName,
      filter: 'latest',
      app_id: Number(context.clients.credentials.appId),
      per_page: 100,
    }),
  );
  const runs = parseGitHub(checkRunListSchema, listed.data, 'check run list').check_runs.filter(
    (run) => run.name === checkRunName && run.head_sha.toLowerCase() === status.commitSha.toLowerCase(),
  );
  const current = runs[0];
  const output = { title: want.title, summary: want.summary };
  const fields = {
    status: want.status,
    ...(want.conclusion === null ? {} : { conclusion: want.conclusion }),
    details_url: want.detailsUrl,
    output,
  };
  if (current) {
    const same =
      current.status === want.status &&
      (current.conclusion ?? null) === want.conclusion &&
      current.details_url === want.detailsUrl &&
      current.output.title === want.title &&
      current.output.summary === want.summary;
    if (same) return;
    // A completed run is not reopened: a new pending run becomes the latest of the name.
    if (!(current.status === 'completed' && want.status !== 'completed')) {
      const id = idOf(current.id, 'check run');
      // PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}
      await onInstallation(context, 'update the check run', () =>
        context.octokit().request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          owner,
          repo,
          check_run_id: Number(id),
          ...fields,
        }),
      );
      return;
    }
  }
  // POST /repos/{owner}/{repo}/check-runs
  const created = await onInstallation(context, 'create the check run', () =>
    context.octokit().request('POST /repos/{owner}/{repo}/check-runs', {
      owner,
      repo,
      name: checkRunName,
      head_sha: status.commitSha,
      ...fields,
    }),
  );
  parseGitHub(checkRunSchema, created.data, 'check run');
}
