import { findScmKind } from '../../core/scm-kinds.js';
import type { JobSummary } from '../api/jobs-client.js';
import type { Connection } from '../api/schemas.js';
import { ActionsHeader } from '../components/row-actions.js';
import { formatDateTime } from '../lib/format.js';
import { withInlineCode } from '../lib/inline-code.js';
import { isActiveJob, jobKindLabel, jobStatusBadges, jobStatusLabels, progressText } from './job-display.js';

export interface JobTableProps {
  readonly jobs: readonly JobSummary[];
  readonly connections: readonly Connection[];
  /** Shows Retry and Cancel; null for members, who only watch. */
  readonly actions: {
    readonly busyJobId: string | null;
    retry(job: JobSummary): void;
    cancel(job: JobSummary): void;
  } | null;
}

const connectionLabel = (job: JobSummary, byId: ReadonlyMap<string, Connection>) => {
  if (!job.connectionId) return <span className="muted">Account</span>;
  const connection = byId.get(job.connectionId);
  if (!connection) return <span className="muted">Removed connection</span>;
  return (
    <>
      {findScmKind(connection.kind)?.name ?? connection.kind}
      <p className="list-meta">{connection.name}</p>
    </>
  );
};

const ProgressCell = ({ job }: { readonly job: JobSummary }) => {
  const text = progressText(job);
  if (!text) return <>—</>;
  const total = job.progress?.total;
  return (
    <>
      {total ? (
        <progress
          value={job.progress?.done ?? 0}
          max={total}
          aria-label={`${jobKindLabel(job.kind)} progress`}
        />
      ) : null}
      <p className="list-meta">{text}</p>
    </>
  );
};

const ErrorCell = ({ job }: { readonly job: JobSummary }) => {
  const error = job.error ?? (job.lastError ? { message: job.lastError, fix: null } : null);
  if (!error) return <>—</>;
  return (
    <>
      <p>{withInlineCode(error.message)}</p>
      {error.fix ? <p className="list-meta">Fix: {withInlineCode(error.fix)}</p> : null}
    </>
  );
};

/** Jobs as a table: what each is, where it works, how far it got, and what went wrong with how to fix it. */
export const JobTable = ({ jobs, connections, actions }: JobTableProps) => {
  const byId = new Map(connections.map((connection) => [connection.id, connection]));
  return (
    <table className="table table-stack" aria-label="Jobs">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Connection</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col">Attempts</th>
          <th scope="col">Started</th>
          <th scope="col">Finished</th>
          <th scope="col">Error</th>
          {actions ? <ActionsHeader /> : null}
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => {
          const label = jobKindLabel(job.kind);
          return (
            <tr key={job.id} data-job-id={job.id}>
              <td data-label="Job">
                {label}
                <p className="list-meta">Queued {formatDateTime(job.createdAt)}</p>
              </td>
              <td data-label="Connection">{connectionLabel(job, byId)}</td>
              <td data-label="Status">
                <span className={jobStatusBadges[job.status]}>{jobStatusLabels[job.status]}</span>
              </td>
              <td data-label="Progress">
                <ProgressCell job={job} />
              </td>
              <td data-label="Attempts">
                {job.maxAttempts ? `${job.attempts} of ${job.maxAttempts}` : job.attempts}
              </td>
              <td data-label="Started">{formatDateTime(job.startedAt)}</td>
              <td data-label="Finished">{formatDateTime(job.finishedAt)}</td>
              <td data-label="Error">
                <ErrorCell job={job} />
              </td>
              {actions ? (
                <td className="cell-actions">
                  {job.status === 'failed' || job.status === 'cancelled' ? (
                    <button
                      type="button"
                      className="button button-small"
                      aria-label={`Retry ${label}`}
                      disabled={actions.busyJobId === job.id}
                      onClick={() => actions.retry(job)}
                    >
                      Retry
                    </button>
                  ) : null}
                  {isActiveJob(job) ? (
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={`Cancel ${label}`}
                      disabled={actions.busyJobId === job.id}
                      onClick={() => actions.cancel(job)}
                    >
                      Cancel
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
};
