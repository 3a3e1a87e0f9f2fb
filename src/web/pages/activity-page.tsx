import { useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { jobStatuses, type JobStatus, type JobSummary } from '../api/jobs-client.js';
import { JobTable } from '../activity/job-table.js';
import { jobKindLabels, jobStatusLabels } from '../activity/job-display.js';
import { useJobList, type JobFilters } from '../activity/use-job-list.js';
import { EmptyState } from '../components/empty-state.js';
import { SelectField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { AccountPage } from './account-page.js';

/** Background work of the current account: syncs and checks, live while they run; admins retry and cancel. */
export const ActivityPage = () => {
  return (
    <AccountPage title="Activity">
      {(account) => <ActivityOfAccount accountId={account.id} isAdmin={account.role === 'admin'} />}
    </AccountPage>
  );
};

const kindOptions = [
  { value: '', label: 'All jobs' },
  ...Object.entries(jobKindLabels).map(([value, label]) => ({ value, label })),
];
const statusOptions = [
  { value: '', label: 'Any status' },
  ...jobStatuses.map((value) => ({ value, label: jobStatusLabels[value] })),
];
const isJobStatus = (value: string): value is JobStatus => (jobStatuses as readonly string[]).includes(value);

const ActivityOfAccount = ({
  accountId,
  isAdmin,
}: {
  readonly accountId: string;
  readonly isAdmin: boolean;
}) => {
  const api = useApi();
  const [connections] = useResource(`connections:${accountId}`, (signal) =>
    api.listConnections(accountId, { signal }),
  );
  const [filters, setFilters] = useState<JobFilters>({});
  const [busyJobId, setBusyJobId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const list = useJobList(api, accountId, filters);
  const connectionItems = connections.status === 'ready' ? connections.data : [];
  const filtered = Boolean(filters.kind || filters.connectionId || filters.status);

  const act = async (job: JobSummary, action: 'retry' | 'cancel') => {
    setBusyJobId(job.id);
    setActionError(null);
    try {
      list.replace(
        action === 'retry' ? await api.retryJob(accountId, job.id) : await api.cancelJob(accountId, job.id),
      );
    } catch (error) {
      setActionError(error instanceof Error ? error.message : `Could not ${action} the job.`);
    }
    setBusyJobId(null);
  };

  const set = (name: keyof JobFilters, value: string) =>
    setFilters((previous) => ({ ...previous, [name]: value === '' ? undefined : value }));

  return (
    <section className="card" aria-label="Jobs">
      <form className="form form-inline filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label="Job"
          name="kind"
          value={filters.kind ?? ''}
          options={kindOptions}
          onChange={(event) => set('kind', event.target.value)}
        />
        <SelectField
          label="Connection"
          name="connectionId"
          value={filters.connectionId ?? ''}
          options={[
            { value: '', label: 'All connections' },
            ...connectionItems.map((connection) => ({
              value: connection.id,
              label: `${findScmKind(connection.kind)?.name ?? connection.kind} · ${connection.name}`,
            })),
          ]}
          onChange={(event) => set('connectionId', event.target.value)}
        />
        <SelectField
          label="Status"
          name="status"
          value={filters.status ?? ''}
          options={statusOptions}
          onChange={(event) => set('status', isJobStatus(event.target.value) ? event.target.value : '')}
        />
      </form>

      <p className="muted" role="status" aria-live="polite">
        {list.status === 'loading' ? 'Loading…' : list.status === 'ready' ? `${list.items.length} shown` : ''}
      </p>
      {list.status === 'ready' && list.items.length === 0 ? (
        <EmptyState title={filtered ? 'No job matches these filters' : 'No background work yet'}>
          <p>
            {filtered
              ? 'Change or clear the filters.'
              : 'Syncs and checks of your connections appear here as they run.'}
          </p>
        </EmptyState>
      ) : null}
      {list.items.length > 0 ? (
        <JobTable
          jobs={list.items}
          connections={connectionItems}
          actions={
            isAdmin
              ? {
                  busyJobId,
                  retry: (job) => void act(job, 'retry'),
                  cancel: (job) => void act(job, 'cancel'),
                }
              : null
          }
        />
      ) : null}
      <FormError message={actionError ?? list.error} />
      {list.nextCursor && list.status === 'ready' ? (
        <div className="load-more">
          <button type="button" className="button" disabled={list.loadingMore} onClick={list.loadMore}>
            {list.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
};
