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

/** The listing query for the filters, from `cursor` on (the first page without one). */
export const repositoryQuery = (filters: RepositoryFilters, cursor?: string): RepositoryQuery => ({
  ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
  ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  ...(filters.archived === 'all' ? {} : { archived: filters.archived === 'archived' }),
  limit: pageSize,
  ...(cursor ? { cursor } : {}),
});
