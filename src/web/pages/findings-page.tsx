import { useMemo } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { EmptyState } from '../components/empty-state.js';
import { FormError } from '../components/form-error.js';
import { ExportLinks } from '../findings/export-links.js';
import { FindingFilterForm, type Option } from '../findings/finding-filter-form.js';
import {
  findingFiltersFromSearch,
  findingQuery,
  isFiltered,
  searchOfFindingFilters,
  type FindingFilters,
} from '../findings/finding-filters.js';
import { FindingTable } from '../findings/finding-table.js';
import { isActiveScan } from '../findings/finding-display.js';
import { ScanPanel } from '../findings/scan-panel.js';
import { UploadInstructions } from '../findings/upload-instructions.js';
import { useScan } from '../findings/use-scan.js';
import { useCursorList } from '../lib/use-cursor-list.js';
import { useResource } from '../lib/use-resource.js';
import { Link, useLocation, useNavigate } from '../router/router-context.js';
import { AccountPage } from './account-page.js';

/** The repositories offered in the Repository filter (the API's largest page). */
const repositoryChoiceLimit = 500;

/**
 * What the scanners found in the account's repositories, filtered and loaded page by page, each linking to the
 * code. The filters live in the address; `?scan=` shows one uploaded scan, live while it is processed.
 */
export const FindingsPage = () => (
  <AccountPage title="Findings">{(account) => <FindingsOfAccount accountId={account.id} />}</AccountPage>
);

const FindingsOfAccount = ({ accountId }: { readonly accountId: string }) => {
  const api = useApi();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();
  const filters = useMemo(() => findingFiltersFromSearch(search), [search]);
  const [connections] = useResource(`connections:${accountId}`, (signal) =>
    api.listConnections(accountId, { signal }),
  );
  const [repositories] = useResource(`repositories:${accountId}`, (signal) =>
    api.listRepositories(accountId, { limit: repositoryChoiceLimit }, { signal }),
  );
  const list = useCursorList(
    JSON.stringify(findingQuery(filters)),
    (cursor, signal) => api.listFindings(accountId, findingQuery(filters, cursor), { signal }),
    { first: 'Could not load the findings.', more: 'Could not load more findings.' },
  );
  const scan = useScan(api, accountId, filters.scanId, list.reload);

  const show = (next: FindingFilters, options: { replace?: boolean } = {}) =>
    navigate(`${pathname}${searchOfFindingFilters(next)}`, options);

  const connectionItems = connections.status === 'ready' ? connections.data : [];
  const repositoryItems = repositories.status === 'ready' ? repositories.data.items : [];
  const connectionOptions: Option[] = [
    { value: '', label: 'All connections' },
    ...connectionItems.map((connection) => ({
      value: connection.id,
      label: `${findScmKind(connection.kind)?.name ?? connection.kind} · ${connection.name}`,
    })),
  ];
  if (filters.connectionId && !connectionItems.some((item) => item.id === filters.connectionId)) {
    connectionOptions.push({ value: filters.connectionId, label: 'A removed connection' });
  }
  const repositoryOptions: Option[] = [
    { value: '', label: 'All repositories' },
    ...repositoryItems.map((repository) => ({ value: repository.id, label: repository.fullName })),
  ];
  if (filters.repositoryId && !repositoryItems.some((item) => item.id === filters.repositoryId)) {
    // A link from Projects may name a repository past the first page of choices: its findings know its name.
    const named = list.items.find((finding) => finding.repository.id === filters.repositoryId);
    repositoryOptions.push({
      value: filters.repositoryId,
      label: named?.repository.fullName ?? 'The linked repository',
    });
  }

  if (connections.status === 'ready' && connectionItems.length === 0) {
    return (
      <section className="card">
        <EmptyState title="No findings yet">
          <p>
            Findings are about repositories of a connected source code manager.{' '}
            <Link to="/settings">Connect one in Settings</Link> first, then upload a scan.
          </p>
        </EmptyState>
      </section>
    );
  }

  const filtered = isFiltered(filters);
  const scanData = scan?.status === 'ready' ? scan.data : null;
  return (
    <div className="stack">
      {scan ? <ScanPanel scan={scan} filters={filters} show={show} /> : null}
      <section className="card" aria-label="Findings">
        <FindingFilterForm
          filters={filters}
          show={show}
          repositoryOptions={repositoryOptions}
          connectionOptions={connectionOptions}
        />
        <div className="list-toolbar">
          <p className="muted" role="status" aria-live="polite">
            {list.status === 'loading'
              ? 'Loading…'
              : list.status === 'ready'
                ? `${list.items.length} ${list.items.length === 1 ? 'finding' : 'findings'}${list.nextCursor ? ' shown' : ''}`
                : ''}
          </p>
          <ExportLinks accountId={accountId} filters={filters} />
        </div>
        {list.status === 'ready' && list.items.length === 0 ? (
          filtered ? (
            <EmptyState title="No finding matches these filters">
              <p>
                Change the filters, or <Link to={`/findings${scanOnly(filters)}`}>clear them</Link>.
              </p>
            </EmptyState>
          ) : scanData && isActiveScan(scanData) ? (
            <EmptyState title="Waiting for the scan">
              <p>Its findings appear here once it is processed.</p>
            </EmptyState>
          ) : filters.scanId ? (
            <EmptyState title="This scan reported no findings">
              <p>
                Nothing to fix here. <Link to="/findings">See the open findings of every repository</Link>.
              </p>
            </EmptyState>
          ) : (
            <EmptyState title="No open findings">
              <UploadInstructions />
            </EmptyState>
          )
        ) : null}
        {list.items.length > 0 ? <FindingTable findings={list.items} /> : null}
        <FormError message={list.error} />
        {list.nextCursor && list.status === 'ready' ? (
          <div className="load-more">
            <button type="button" className="button" disabled={list.loadingMore} onClick={list.loadMore}>
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
};

/** The address part that keeps the scan when the filters are cleared. */
const scanOnly = (filters: FindingFilters): string =>
  filters.scanId ? `?scan=${encodeURIComponent(filters.scanId)}` : '';
