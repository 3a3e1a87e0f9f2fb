import { useEffect } from 'react';
import { useApi } from '../api/api-context.js';
import { EmptyState } from '../components/empty-state.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { useResource } from '../lib/use-resource.js';
import { AccountPage } from '../pages/account-page.js';
import { Link } from '../router/router-context.js';
import { ciModeLabels, ciRunStatusBadges, ciRunStatusLabels, countsText, isActiveRun } from './ci-display.js';

/** How often the list is read again while a run on it is queued or running. */
const pollMs = 2_000;

/** The account's bulk runs of adding the CI job, newest first (the last 50), each linking to its page. */
export const CiRunsPage = () => (
  <AccountPage title="CI job runs">
    {(account) => <RunsOfAccount accountId={account.id} isAdmin={account.role === 'admin'} />}
  </AccountPage>
);

const RunsOfAccount = ({ accountId, isAdmin }: { readonly accountId: string; readonly isAdmin: boolean }) => {
  const api = useApi();
  const [runs, reload] = useResource(`ci-runs:${accountId}`, (signal) =>
    api.listCiRuns(accountId, { signal }),
  );
  const active = runs.status === 'ready' && runs.data.some(isActiveRun);

  useEffect(() => {
    if (!active || runs.status !== 'ready') return;
    const timer = setTimeout(reload, pollMs);
    return () => clearTimeout(timer);
  }, [active, runs, reload]);

  return (
    <section className="card" aria-labelledby="ci-runs-heading">
      <h2 id="ci-runs-heading">Runs</h2>
      <p className="muted card-description">
        {isAdmin ? (
          <>
            Select repositories on <Link to="/projects">Projects</Link> and click <strong>Add CI job</strong>{' '}
            to start one. The job&apos;s template is on <Link to="/settings/ci">Settings &gt; CI job</Link>.
          </>
        ) : (
          'Admins add the scanner’s CI job to repositories from the Projects page.'
        )}
      </p>
      {runs.status === 'loading' ? <p className="muted">Loading…</p> : null}
      {runs.status === 'error' ? <FormError message={runs.message} /> : null}
      {runs.status === 'ready' && runs.data.length === 0 ? <EmptyState title="No runs yet" /> : null}
      {runs.status === 'ready' && runs.data.length > 0 ? (
        <table className="table table-stack" aria-label="CI job runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">How</th>
              <th scope="col">Status</th>
              <th scope="col">Repositories</th>
              <th scope="col">Started by</th>
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td data-label="Run">
                  <Link to={`/ci-jobs/${encodeURIComponent(run.id)}`}>{formatDateTime(run.createdAt)}</Link>
                </td>
                <td data-label="How">{ciModeLabels[run.mode]}</td>
                <td data-label="Status">
                  <span className={ciRunStatusBadges[run.status]}>{ciRunStatusLabels[run.status]}</span>
                </td>
                <td data-label="Repositories">
                  {run.total}
                  <p className="list-meta">{countsText(run)}</p>
                </td>
                <td data-label="Started by">{run.createdBy?.email ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
