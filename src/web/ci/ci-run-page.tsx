import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.js';
import { ciRunCsvPath } from '../api/ci-jobs-client.js';
import { ciStepStatuses, type CiRun, type CiStepStatus } from '../api/ci-job-schemas.js';
import { EmptyState } from '../components/empty-state.js';
import { SelectField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { formatDateTime } from '../lib/format.js';
import { useCursorList } from '../lib/use-cursor-list.js';
import { AccountPage } from '../pages/account-page.js';
import { Link } from '../router/router-context.js';
import {
  canCancel,
  canResume,
  ciModeLabels,
  ciRunStatusBadges,
  ciRunStatusLabels,
  ciStepStatusLabels,
  doneCount,
  runSummaryText,
} from './ci-display.js';
import { CiStepTable } from './ci-step-table.js';
import { useCiRun } from './use-ci-run.js';

const pageSize = 50;

const statusOptions = [
  { value: '', label: 'All' },
  ...ciStepStatuses.map((value) => ({ value, label: ciStepStatusLabels[value] })),
];
const isStepStatus = (value: string): value is CiStepStatus =>
  (ciStepStatuses as readonly string[]).includes(value);

/** One bulk run of adding the CI job: where it stands (live while it works), its repositories, Cancel / Resume. */
export const CiRunPage = ({ runId }: { readonly runId: string }) => (
  <AccountPage title="CI job run">
    {(account) => <RunOfAccount accountId={account.id} isAdmin={account.role === 'admin'} runId={runId} />}
  </AccountPage>
);

const countRows: readonly (readonly [keyof CiRun['counts'], string])[] = [
  ['opened', 'Opened'],
  ['updated', 'Updated'],
  ['committed', 'Committed'],
  ['present', 'Already present'],
  ['skipped', 'Skipped'],
  ['failed', 'Failed'],
  ['pending', 'Not started'],
];

const RunOfAccount = ({
  accountId,
  isAdmin,
  runId,
}: {
  readonly accountId: string;
  readonly isAdmin: boolean;
  readonly runId: string;
}) => {
  const api = useApi();
  const { state, replace } = useCiRun(api, accountId, runId);
  const [statusFilter, setStatusFilter] = useState<CiStepStatus | ''>('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const steps = useCursorList(
    `${accountId}:${runId}:${statusFilter}`,
    async (cursor, signal) => {
      const page = await api.ciRunRepositories(
        accountId,
        runId,
        { limit: pageSize, ...(statusFilter ? { status: statusFilter } : {}), ...(cursor ? { cursor } : {}) },
        { signal },
      );
      return { ...page, items: page.items.map((step) => ({ ...step, id: step.repositoryId })) };
    },
    { first: 'Could not load the repositories of the run.', more: 'Could not load more repositories.' },
  );

  // The table is read again whenever the run's counts or status move.
  const run = state.status === 'ready' ? state.run : null;
  const progressKey = run ? `${run.status}:${JSON.stringify(run.counts)}` : '';
  const { reload } = steps;
  useEffect(() => {
    if (progressKey) reload();
  }, [progressKey, reload]);

  const act = async (action: 'cancel' | 'resume') => {
    setBusy(true);
    setActionError(null);
    try {
      replace(
        action === 'cancel'
          ? await api.cancelCiRun(accountId, runId)
          : await api.resumeCiRun(accountId, runId),
      );
    } catch (error) {
      setActionError(error instanceof Error ? error.message : `Could not ${action} the run.`);
    }
    setBusy(false);
  };

  if (state.status === 'loading') return <p className="muted">Loading…</p>;
  if (state.status === 'error') {
    return (
      <section className="card">
        <FormError message={state.message} />
        <p>
          <Link to="/ci-jobs">All CI job runs</Link>
        </p>
      </section>
    );
  }
  const current = state.run;

  return (
    <div className="stack">
      <p className="list-meta">
        <Link to="/ci-jobs">All CI job runs</Link>
      </p>
      <section className="card" aria-labelledby="ci-run-heading">
        <h2 id="ci-run-heading" className="ci-run-heading">
          Adding the CI job to {current.total} {current.total === 1 ? 'repository' : 'repositories'}{' '}
          <span className={ciRunStatusBadges[current.status]}>{ciRunStatusLabels[current.status]}</span>
        </h2>
        <dl className="facts">
          <dt>How</dt>
          <dd>{ciModeLabels[current.mode]}</dd>
          <dt>Started by</dt>
          <dd>{current.createdBy?.email ?? '—'}</dd>
          <dt>Created</dt>
          <dd>{formatDateTime(current.createdAt)}</dd>
          <dt>Started</dt>
          <dd>{formatDateTime(current.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{formatDateTime(current.finishedAt)}</dd>
        </dl>
        {current.total > 0 ? (
          <progress
            className="ci-run-progress"
            value={doneCount(current)}
            max={current.total}
            aria-label="Repositories done"
          />
        ) : null}
        <p className="ci-run-summary" role="status" aria-live="polite">
          {runSummaryText(current)}
        </p>
        <dl className="summary-counts">
          {countRows
            .filter(([key]) => current.counts[key] > 0)
            .map(([key, label]) => (
              <div key={key} className="summary-count">
                <dt>{label}</dt>
                <dd>{current.counts[key]}</dd>
              </div>
            ))}
        </dl>
        <div className="ci-run-actions">
          {isAdmin && canCancel(current) ? (
            <button type="button" className="button" disabled={busy} onClick={() => void act('cancel')}>
              Cancel
            </button>
          ) : null}
          {isAdmin && canResume(current) ? (
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() => void act('resume')}
            >
              Resume
            </button>
          ) : null}
          <a className="button" href={ciRunCsvPath(accountId, runId)} download>
            Download CSV
          </a>
        </div>
        {state.refreshError ? (
          <p className="notice notice-warning">Could not refresh: {state.refreshError} Trying again.</p>
        ) : null}
        <FormError message={actionError} />
      </section>

      <section className="card" aria-label="Repositories">
        <form className="form form-inline filters" role="search" onSubmit={(event) => event.preventDefault()}>
          <SelectField
            label="Status"
            name="status"
            value={statusFilter}
            options={statusOptions}
            onChange={(event) => setStatusFilter(isStepStatus(event.target.value) ? event.target.value : '')}
          />
        </form>
        {steps.status === 'loading' ? <p className="muted">Loading…</p> : null}
        {steps.status === 'ready' && steps.items.length === 0 ? (
          <EmptyState title={statusFilter ? 'No repository with this status' : 'No repositories'} />
        ) : null}
        {steps.items.length > 0 ? <CiStepTable steps={steps.items} /> : null}
        <FormError message={steps.error} />
        {steps.nextCursor && steps.status === 'ready' ? (
          <div className="load-more">
            <button type="button" className="button" disabled={steps.loadingMore} onClick={steps.loadMore}>
              {steps.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
};
