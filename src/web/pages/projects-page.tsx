import { useMemo, useState } from 'react';
import { findScmKind } from '../../core/scm-kinds.js';
import { useApi } from '../api/api-context.js';
import { CiReviewDialog } from '../ci/ci-review-dialog.js';
import { SelectionBar } from '../ci/selection-bar.js';
import { useRepositorySelection } from '../ci/use-repository-selection.js';
import type { Repository } from '../api/schemas.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { EmptyState } from '../components/empty-state.js';
import { SelectField, TextField } from '../components/fields.js';
import { FormError } from '../components/form-error.js';
import { useResource } from '../lib/use-resource.js';
import { useTypedFilter } from '../lib/use-typed-filter.js';
import { EditTagsDialog } from '../projects/edit-tags-dialog.js';
import {
  archivedOptions,
  filtersFromSearch,
  isFiltered,
  parseArchivedFilter,
  parseScanningFilter,
  scanningOptions,
  searchOfFilters,
  type RepositoryFilters,
} from '../projects/repository-filters.js';
import { RepositoryTable } from '../projects/repository-table.js';
import { useRepositoryList } from '../projects/use-repository-list.js';
import { Link, useLocation, useNavigate } from '../router/router-context.js';
import { AccountPage } from './account-page.js';

/**
 * The repositories of every connection of the current account, filtered and loaded page by page, each with its
 * last scan and open findings; admins tag them and exclude them from scanning. The filters live in the address,
 * so reload, back / forward and a shared link keep the view.
 */
export const ProjectsPage = () => {
  return (
    <AccountPage title="Projects">
      {(account) => <ProjectsOfAccount accountId={account.id} isAdmin={account.role === 'admin'} />}
    </AccountPage>
  );
};

const ProjectsOfAccount = ({
  accountId,
  isAdmin,
}: {
  readonly accountId: string;
  readonly isAdmin: boolean;
}) => {
  const api = useApi();
  const navigate = useNavigate();
  const { pathname, search: address } = useLocation();
  const [connections] = useResource(`connections:${accountId}`, (signal) =>
    api.listConnections(accountId, { signal }),
  );
  const filters = useMemo(() => filtersFromSearch(address), [address]);
  const list = useRepositoryList(api, accountId, filters);
  const [tagging, setTagging] = useState<Repository | null>(null);
  const [excluding, setExcluding] = useState<Repository | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const shownIds = useMemo(() => list.items.map((item) => item.id), [list.items]);
  const selected = useRepositorySelection(filters, shownIds, list.total);
  const connectionItems = connections.status === 'ready' ? connections.data : [];
  const filtered = isFiltered(filters);

  /** A filter picked from a list is a new step in the history; the text typed replaces the current one. */
  const show = (next: RepositoryFilters, options: { replace?: boolean } = {}) =>
    navigate(`${pathname}${searchOfFilters(next)}`, options);
  const [name, setName] = useTypedFilter(filters.q, (q) => show({ ...filters, q }, { replace: true }));
  const [tag, setTag] = useTypedFilter(filters.tag, (value) =>
    show({ ...filters, tag: value }, { replace: true }),
  );

  const update = async (
    repository: Repository,
    changes: { excluded?: boolean; tags?: readonly string[]; commentsEnabled?: boolean },
  ) => {
    const updated = await api.updateRepository(accountId, repository.id, changes);
    list.replace(updated);
    return updated;
  };

  const setComments = async (repository: Repository, enabled: boolean) => {
    setNotice(null);
    setActionError(null);
    const updated = await update(repository, { commentsEnabled: enabled });
    const on = updated.commentsEnabled ?? enabled;
    setNotice(
      on
        ? `Pull requests of ${repository.fullName} get comments again (when its connection has them on).`
        : `Pull requests of ${repository.fullName} get no comments now.`,
    );
    return on;
  };

  const include = async (repository: Repository) => {
    setBusyId(repository.id);
    setActionError(null);
    try {
      await update(repository, { excluded: false });
      setNotice(`${repository.fullName} is scanned again: uploads for it are accepted.`);
    } catch (error) {
      setActionError(error instanceof Error ? error.message : 'Could not include the repository.');
    }
    setBusyId(null);
  };

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
          onChange={(event) => show({ ...filters, connectionId: event.target.value })}
        />
        <TextField
          label="Name"
          name="q"
          type="search"
          autoComplete="off"
          placeholder="Filter by name"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <TextField
          label="Tag"
          name="tag"
          type="search"
          autoComplete="off"
          placeholder="e.g. pci"
          value={tag}
          onChange={(event) => setTag(event.target.value)}
        />
        <SelectField
          label="Archived"
          name="archived"
          value={filters.archived}
          options={archivedOptions}
          onChange={(event) => show({ ...filters, archived: parseArchivedFilter(event.target.value) })}
        />
        <SelectField
          label="Scanning"
          name="scanning"
          value={filters.scanning}
          options={scanningOptions}
          onChange={(event) => show({ ...filters, scanning: parseScanningFilter(event.target.value) })}
        />
      </form>

      <p className="list-meta">
        <Link to="/ci-jobs">CI job runs</Link>
      </p>
      <p className="muted" role="status" aria-live="polite">
        {list.status === 'loading'
          ? 'Loading…'
          : list.status === 'ready'
            ? list.total !== undefined
              ? `${list.total} ${list.total === 1 ? 'repository' : 'repositories'}`
              : `${list.items.length} shown`
            : ''}
      </p>
      {notice ? (
        <p className="notice notice-success" role="status">
          {notice}
        </p>
      ) : null}
      {list.status === 'ready' && list.items.length === 0 ? (
        <EmptyState title={filtered ? 'No repository matches these filters' : 'No repositories yet'}>
          <p>
            {filtered ? (
              <>
                Change the filters, or <Link to="/projects">clear them</Link>.
              </>
            ) : (
              'They appear once a connection has been synced. Run Sync now on Settings > Source Code Managers.'
            )}
          </p>
        </EmptyState>
      ) : null}
      {isAdmin && list.items.length > 0 ? (
        <SelectionBar
          state={selected}
          shown={list.items.length}
          total={list.total}
          onAddCiJob={() => {
            setNotice(null);
            setReviewing(true);
          }}
        />
      ) : null}
      {list.items.length > 0 ? (
        <RepositoryTable
          repositories={list.items}
          connections={connectionItems}
          selection={isAdmin ? selected : null}
          actions={
            isAdmin
              ? {
                  busyId,
                  editTags: (repository) => {
                    setNotice(null);
                    setTagging(repository);
                  },
                  setExcluded: (repository, excluded) => {
                    setNotice(null);
                    if (excluded) setExcluding(repository);
                    else void include(repository);
                  },
                  setComments,
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

      {tagging ? (
        <EditTagsDialog
          repository={tagging}
          onClose={() => setTagging(null)}
          save={async (tags) => {
            await update(tagging, { tags });
            setNotice(
              tags.length > 0
                ? `Tags of ${tagging.fullName}: ${tags.join(', ')}.`
                : `${tagging.fullName} has no tags now.`,
            );
          }}
        />
      ) : null}
      {reviewing && selected.selection ? (
        <CiReviewDialog
          accountId={accountId}
          selection={selected.selection}
          shown={list.items.filter((item) => selected.isSelected(item.id))}
          onClose={() => setReviewing(false)}
        />
      ) : null}
      {excluding ? (
        <ConfirmDialog
          title="Exclude from scanning"
          confirmLabel="Exclude repository"
          onClose={() => setExcluding(null)}
          onConfirm={async () => {
            await update(excluding, { excluded: true });
            setNotice(
              `${excluding.fullName} is excluded: uploads for it are refused until an admin includes it.`,
            );
          }}
        >
          <p>
            Exclude <strong>{excluding.fullName}</strong> from scanning? Uploads for it are refused until an
            admin includes it again. Its findings so far stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
};
