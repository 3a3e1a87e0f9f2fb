import { useEffect, useMemo, useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { EmptyState } from '../components/empty-state.js';
import { SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import {
  archivedOptions,
  filtersFromSearch,
  parseArchivedFilter,
  searchOfFilters,
  type RepositoryFilters,
} from '../projects/repository-filters.js';
import { RepositoryTable } from '../projects/repository-table.js';
import { useRepositoryList } from '../projects/use-repository-list.js';
import { Link, useLocation, useNavigate } from '../router/router-context.js';
import { AccountPage } from './account-page.js';

/** How long the name search waits after the last key before it asks the server. */
const searchDelayMs = 250;

/**
 * The repositories of every connection of the current account, filtered and loaded page by page. The filters
 * live in the address, so reload, back / forward and a shared link keep the view.
 */
export const ProjectsPage = () => {
  return (
    <AccountPage title="Projects">{(account) => <ProjectsOfAccount accountId={account.id} />}</AccountPage>
  );
};

const ProjectsOfAccount = ({ accountId }: { readonly accountId: string }) => {
  const api = useApi();
  const navigate = useNavigate();
  const { pathname, search: address } = useLocation();
  const [connections] = useResource(`connections:${accountId}`, (signal) =>
    api.listConnections(accountId, { signal }),
  );
  const filters = useMemo(() => filtersFromSearch(address), [address]);
  const [search, setSearch] = useState(filters.q);
  const list = useRepositoryList(api, accountId, filters);
  const connectionItems = connections.status === 'ready' ? connections.data : [];
  const filtered = filters.connectionId !== '' || filters.q !== '' || filters.archived !== 'all';

  /** A filter picked from a list is a new step in the history; the name typed replaces the current one. */
  const show = (next: RepositoryFilters, options: { replace?: boolean } = {}) =>
    navigate(`${pathname}${searchOfFilters(next)}`, options);

  // Back, forward or a link changed the name in the address: the box shows it.
  useEffect(() => {
    setSearch((typed) => (typed.trim() === filters.q ? typed : filters.q));
  }, [filters.q]);

  useEffect(() => {
    const q = search.trim();
    if (q === filters.q) return;
    const timer = setTimeout(() => show({ ...filters, q }, { replace: true }), searchDelayMs);
    return () => clearTimeout(timer);
    // `show` and the other filters are read when the timer fires; only the typed name restarts it.
  }, [search, filters.q]);

  const known = connectionItems.some((connection) => connection.id === filters.connectionId);
  const connectionOptions = [
    { value: '', label: 'All connections' },
    ...connectionItems.map((connection) => ({
      value: connection.id,
      label: `${findScmKind(connection.kind)?.name ?? connection.kind} · ${connection.name}`,
    })),
    // A shared link may name a connection that was removed since.
    ...(filters.connectionId && connections.status === 'ready' && !known
      ? [{ value: filters.connectionId, label: 'A removed connection' }]
      : []),
  ];

  if (connections.status === 'ready' && connectionItems.length === 0) {
    return (
      <section className="card">
        <EmptyState title="No repositories yet">
          <p>
            Repositories appear here once a source code manager is connected.{' '}
            <Link to="/settings">Connect one in Settings</Link>.
          </p>
        </EmptyState>
      </section>
    );
  }

  return (
    <section className="card" aria-label="Repositories">
      <form className="form form-inline filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label="Connection"
          name="connection"
          value={filters.connectionId}
          options={connectionOptions}
          onChange={(event) => show({ ...filters, q: search.trim(), connectionId: event.target.value })}
        />
        <TextField
          label="Name"
          name="q"
          type="search"
          autoComplete="off"
          placeholder="Filter by name"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <SelectField
          label="Archived"
          name="archived"
          value={filters.archived}
          options={archivedOptions}
          onChange={(event) =>
            show({ ...filters, q: search.trim(), archived: parseArchivedFilter(event.target.value) })
          }
        />
      </form>

      <p className="muted" role="status" aria-live="polite">
        {list.status === 'loading'
          ? 'Loading…'
          : list.status === 'ready'
            ? list.total !== undefined
              ? `${list.total} ${list.total === 1 ? 'repository' : 'repositories'}`
              : `${list.items.length} shown`
            : ''}
      </p>
      {list.status === 'ready' && list.items.length === 0 ? (
        <EmptyState title={filtered ? 'No repository matches these filters' : 'No repositories yet'}>
          <p>
            {filtered
              ? 'Change or clear the filters.'
              : 'They appear once a connection has been synced. Run Sync now on Settings > Source Code Managers.'}
          </p>
        </EmptyState>
      ) : null}
      {list.items.length > 0 ? (
        <RepositoryTable repositories={list.items} connections={connectionItems} />
      ) : null}
      <FormError message={list.error} />
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
