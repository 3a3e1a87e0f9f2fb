import type { JobStatus, JobSummary } from '../api/jobs-client.js';

/** The job kinds an account sees, as the Activity page names them. */
export const jobKindLabels: Readonly<Record<string, string>> = {
  'connection.sync': 'Repository sync',
  'connection.token-expiry': 'Token expiry check',
  'account.webhook-health': 'Webhook health check',
};

export const jobKindLabel = (kind: string): string => jobKindLabels[kind] ?? kind;

export const jobStatusLabels: Readonly<Record<JobStatus, string>> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The badge class of each status (the connection badges' colours). */
export const jobStatusBadges: Readonly<Record<JobStatus, string>> = {
  queued: 'badge badge-pending',
  running: 'badge badge-pending',
  succeeded: 'badge badge-connected',
  failed: 'badge badge-error',
  cancelled: 'badge badge-archived',
};

/** Still to finish: the page polls every second while one of these is on screen. */
export const isActiveJob = (job: Pick<JobSummary, 'status'>): boolean =>
  job.status === 'queued' || job.status === 'running';

const count = (value: number) => value.toLocaleString('en-US');

/** "1,500 of 2,000", "1,500 so far" while the total is unknown, or null when the job reported nothing. */
export const progressText = (job: Pick<JobSummary, 'progress' | 'status'>): string | null => {
  const progress = job.progress;
  if (!progress) return null;
  if (progress.total !== null && progress.total !== undefined)
    return `${count(progress.done)} of ${count(progress.total)}`;
  return job.status === 'running' ? `${count(progress.done)} so far` : count(progress.done);
};

/**
 * A fresh first page merged into the list on screen: the page's jobs first (new ones included), then the jobs of
 * later pages already loaded, with any fresher copy from `updates` (jobs re-read one by one).
 */
export const mergeFirstPage = (
  shown: readonly JobSummary[],
  firstPage: readonly JobSummary[],
  updates: readonly JobSummary[] = [],
): JobSummary[] => {
  const onPage = new Set(firstPage.map((job) => job.id));
  const last = firstPage.at(-1);
  const fresher = new Map(updates.map((job) => [job.id, job]));
  const older = shown.filter(
    (job) =>
      !onPage.has(job.id) &&
      last !== undefined &&
      (job.createdAt < last.createdAt || (job.createdAt === last.createdAt && job.id < last.id)),
  );
  return [...firstPage, ...older.map((job) => fresher.get(job.id) ?? job)];
};
