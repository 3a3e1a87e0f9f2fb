import { useEffect, useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { EmptyState } from '../components/empty-state.js';
import { SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import {
  archivedOptions,
  emptyFilters,
  parseArchivedFilter,
  type RepositoryFilters,
} from '../projects/repository-filters.js';
import { RepositoryTable } from '../projects/repository-table.js';
import { useRepositoryList } from '../projects/use-repository-list.js';
import { Link } from '../router/router-context.js';
import { useCurrentAccount } from '../session/session-context.js';

/** How long the name search waits after the last key before it asks the server. */
const searchDelayMs = 250;

/** The repositories of every connection of the current account, filtered and loaded page by page. */
export const ProjectsPage = () => {
  const account = useCurrentAccount();
  return (
    <>
      <header className="page-header">
        <h1>Projects</h1>
        {account ? <p className="muted">{account.name}</p> : null}
      </header>
      {account ? (
        <ProjectsOfAccount accountId={account.id} />
      ) : (
        <p>You are not a member of any account yet. Create one from the account menu.</p>
      )}
    </>
  );
};

const ProjectsOfAccount = ({ accountId }: { readonly accountId: string }) => {
  const api = useApi();
  const [connections] = useResource(`connections:${accountId}`, (signal) =>
    api.listConnections(accountId, { signal }),
  );
  const [filters, setFilters] = useState<RepositoryFilters>(emptyFilters);
  const [search, setSearch] = useState('');
  const list = useRepositoryList(api, accountId, filters);
  const connectionItems = connections.status === 'ready' ? connections.data : [];
  const filtered = filters.connectionId !== '' || filters.q !== '' || filters.archived !== 'all';

  useEffect(() => {
    const timer = setTimeout(
      () => setFilters((previous) => ({ ...previous, q: search.trim() })),
      searchDelayMs,
    );
    return () => clearTimeout(timer);
  }, [search]);

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
          name="connectionId"
          value={filters.connectionId}
          options={[
            { value: '', label: 'All connections' },
            ...connectionItems.map((connection) => ({
              value: connection.id,
              label: `${findScmKind(connection.kind)?.name ?? connection.kind} · ${connection.name}`,
            })),
          ]}
          onChange={(event) => setFilters((previous) => ({ ...previous, connectionId: event.target.value }))}
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
            setFilters((previous) => ({ ...previous, archived: parseArchivedFilter(event.target.value) }))
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
