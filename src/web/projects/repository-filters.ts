import type { RepositoryQuery } from '../api/connections-client.js';

export type ArchivedFilter = 'all' | 'active' | 'archived';

export const archivedOptions: readonly { readonly value: ArchivedFilter; readonly label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
];

/** The filters of the Projects page. */
export interface RepositoryFilters {
  /** Empty: every connection. */
  readonly connectionId: string;
  readonly q: string;
  readonly archived: ArchivedFilter;
}

export const emptyFilters: RepositoryFilters = { connectionId: '', q: '', archived: 'all' };

export const pageSize = 50;

export const parseArchivedFilter = (value: string): ArchivedFilter =>
  value === 'active' || value === 'archived' ? value : 'all';

/**
 * The filters as they stand in the page's address (`?connection=…&q=…&archived=active`), so a reload, back and
 * forward, or a shared link show the same view. Unknown or empty parameters mean "no filter".
 */
export const filtersFromSearch = (search: string): RepositoryFilters => {
  const params = new URLSearchParams(search);
  return {
    connectionId: params.get('connection') ?? '',
    q: (params.get('q') ?? '').trim(),
    archived: parseArchivedFilter(params.get('archived') ?? ''),
  };
};

/** The query string of the filters (`''` for none); only filters that narrow the list appear. */
export const searchOfFilters = (filters: RepositoryFilters): string => {
  const params = new URLSearchParams();
  if (filters.connectionId) params.set('connection', filters.connectionId);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.archived !== 'all') params.set('archived', filters.archived);
  const query = params.toString();
  return query ? `?${query}` : '';
};

/** The listing query for the filters, from `cursor` on (the first page without one). */
export const repositoryQuery = (filters: RepositoryFilters, cursor?: string): RepositoryQuery => ({
  ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
  ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  ...(filters.archived === 'all' ? {} : { archived: filters.archived === 'archived' }),
  limit: pageSize,
  ...(cursor ? { cursor } : {}),
});
