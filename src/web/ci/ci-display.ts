import type {
  CiMode,
  CiOutcome,
  CiRun,
  CiRunStatus,
  CiStep,
  CiStepStatus,
  CiSystem,
} from '../api/ci-job-schemas.js';

export const ciSystemLabels: Readonly<Record<CiSystem, string>> = {
  'github-actions': 'GitHub Actions',
  'gitlab-ci': 'GitLab CI/CD',
  'bitbucket-pipelines': 'Bitbucket Pipelines',
  'azure-pipelines': 'Azure Pipelines',
};

export const ciModeLabels: Readonly<Record<CiMode, string>> = {
  'pull-request': 'Pull request in each repository',
  direct: 'Commit to the default branch',
};

export const ciRunStatusLabels: Readonly<Record<CiRunStatus, string>> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Badge classes that exist in styles.css, by run status. */
export const ciRunStatusBadges: Readonly<Record<CiRunStatus, string>> = {
  queued: 'badge badge-pending',
  running: 'badge badge-pending',
  succeeded: 'badge badge-connected',
  failed: 'badge badge-error',
  cancelled: 'badge badge-archived',
};

export const ciStepStatusLabels: Readonly<Record<CiStepStatus, string>> = {
  pending: 'Waiting',
  running: 'Working',
  done: 'Done',
  skipped: 'Skipped',
  failed: 'Failed',
};

export const ciStepStatusBadges: Readonly<Record<CiStepStatus, string>> = {
  pending: 'badge badge-archived',
  running: 'badge badge-pending',
  done: 'badge badge-connected',
  skipped: 'badge badge-archived',
  failed: 'badge badge-error',
};

export const ciOutcomeLabels: Readonly<Record<CiOutcome, string>> = {
  opened: 'Pull request opened',
  updated: 'Pull request updated',
  unchanged: 'Pull request already up to date',
  present: 'Already on the default branch',
  committed: 'Committed to the default branch',
};

/** What the SCM calls a pull request: GitLab says merge request. */
export const requestWord = (system: CiSystem | null): string =>
  system === 'gitlab-ci' ? 'Merge request' : 'Pull request';

/** An outcome in the SCM's own words ("Merge request opened" on GitLab). */
export const outcomeText = (outcome: CiOutcome, system: CiSystem | null): string =>
  ciOutcomeLabels[outcome].replace(/^Pull request/, requestWord(system));

export const skipReasonLabels: Readonly<Record<string, string>> = {
  archived: 'Archived',
  empty: 'Empty repository',
  fork: 'Fork',
  excluded: 'Excluded from scanning',
  no_ci_system: 'No supported CI system',
};

/** The secret's state in words; the value itself is never shown anywhere. */
export const secretText = (secret: CiStep['secret']): string | null =>
  secret === 'created' ? 'Secret created' : secret === 'present' ? 'Secret already set' : null;

export const isActiveRun = (run: Pick<CiRun, 'status'>): boolean =>
  run.status === 'queued' || run.status === 'running';

/** Cancel is offered while the run is queued or running. */
export const canCancel = (run: Pick<CiRun, 'status'>): boolean => isActiveRun(run);

/** Resume is offered once the run stopped short (cancelled, failed) or left failed or pending repositories. */
export const canResume = (run: Pick<CiRun, 'status' | 'counts'>): boolean =>
  !isActiveRun(run) &&
  (run.status === 'cancelled' || run.status === 'failed' || run.counts.failed > 0 || run.counts.pending > 0);

/** How many repositories the run has finished with (whatever the outcome). */
export const doneCount = (run: Pick<CiRun, 'total' | 'counts'>): number =>
  Math.max(0, run.total - run.counts.pending);

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * The run's counts as a sentence, leaving out the zeros: "3 pull requests opened, 1 already present, 2 failed".
 * `direct` runs commit rather than open pull requests, and their counts say so.
 */
export const countsText = (run: Pick<CiRun, 'counts'>): string => {
  const { opened, updated, present, committed, skipped, failed, pending } = run.counts;
  const parts = [
    opened > 0 ? `${plural(opened, 'pull request', 'pull requests')} opened` : null,
    updated > 0 ? `${plural(updated, 'pull request', 'pull requests')} updated` : null,
    committed > 0 ? `${plural(committed, 'commit', 'commits')} to the default branch` : null,
    present > 0 ? `${present} already present` : null,
    skipped > 0 ? `${skipped} skipped` : null,
    failed > 0 ? `${failed} failed` : null,
    pending > 0 ? `${pending} not started` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : 'nothing done yet';
};

/** The live line of a run's page, read out as it changes: where it stands, then (once it ended) what it did. */
export const runSummaryText = (run: CiRun): string => {
  const of = `${doneCount(run)} of ${plural(run.total, 'repository', 'repositories')}`;
  switch (run.status) {
    case 'queued':
      return `Queued: ${of} done so far.`;
    case 'running':
      return `Running: ${of} done. ${countsText(run)}.`;
    case 'succeeded':
      return `Finished: ${countsText(run)}.`;
    case 'failed':
      return `Stopped with an error after ${of}: ${countsText(run)}.`;
    case 'cancelled':
      return `Cancelled after ${of}: ${countsText(run)}.`;
  }
};
