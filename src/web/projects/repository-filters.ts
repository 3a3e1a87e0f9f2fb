import type { RepositoryQuery } from '../api/connections-client.js';

export type ArchivedFilter = 'all' | 'active' | 'archived';
export type ScanningFilter = 'all' | 'included' | 'excluded';

export const archivedOptions: readonly { readonly value: ArchivedFilter; readonly label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'archived', label: 'Archived' },
];

export const scanningOptions: readonly { readonly value: ScanningFilter; readonly label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'included', label: 'Scanned' },
  { value: 'excluded', label: 'Excluded' },
];

/** The filters of the Projects page. */
export interface RepositoryFilters {
  /** Empty: every connection. */
  readonly connectionId: string;
  readonly q: string;
  readonly archived: ArchivedFilter;
  /** Empty: any tags. Tags are stored in lower case, so the filter is too. */
  readonly tag: string;
  readonly scanning: ScanningFilter;
}

export const emptyFilters: RepositoryFilters = {
  connectionId: '',
  q: '',
  archived: 'all',
  tag: '',
  scanning: 'all',
};

export const pageSize = 50;

export const parseArchivedFilter = (value: string): ArchivedFilter =>
  value === 'active' || value === 'archived' ? value : 'all';

export const parseScanningFilter = (value: string): ScanningFilter =>
  value === 'included' || value === 'excluded' ? value : 'all';

const tagOf = (value: string | null) => (value ?? '').trim().toLowerCase();

/**
 * The filters as they stand in the page's address (`?connection=…&q=…&archived=active&tag=pci`), so a reload,
 * back and forward, or a shared link show the same view. Unknown or empty parameters mean "no filter".
 */
export const filtersFromSearch = (search: string): RepositoryFilters => {
  const params = new URLSearchParams(search);
  return {
    connectionId: params.get('connection') ?? '',
    q: (params.get('q') ?? '').trim(),
    archived: parseArchivedFilter(params.get('archived') ?? ''),
    tag: tagOf(params.get('tag')),
    scanning: parseScanningFilter(params.get('scanning') ?? ''),
  };
};

/** The query string of the filters (`''` for none); only filters that narrow the list appear. */
export const searchOfFilters = (filters: RepositoryFilters): string => {
  const params = new URLSearchParams();
  if (filters.connectionId) params.set('connection', filters.connectionId);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.archived !== 'all') params.set('archived', filters.archived);
  if (tagOf(filters.tag)) params.set('tag', tagOf(filters.tag));
  if (filters.scanning !== 'all') params.set('scanning', filters.scanning);
  const query = params.toString();
  return query ? `?${query}` : '';
};

/** Whether a filter narrows the list (an empty list then says "change the filters"). */
export const isFiltered = (filters: RepositoryFilters): boolean => searchOfFilters(filters) !== '';

/** The Projects page showing the repositories with `tag`. */
export const projectsWithTag = (tag: string): string =>
  `/projects${searchOfFilters({ ...emptyFilters, tag })}`;

/** The listing query for the filters, from `cursor` on (the first page without one). */
export const repositoryQuery = (filters: RepositoryFilters, cursor?: string): RepositoryQuery => ({
  ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
  ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
  ...(filters.archived === 'all' ? {} : { archived: filters.archived === 'archived' }),
  ...(tagOf(filters.tag) ? { tags: [tagOf(filters.tag)] } : {}),
  ...(filters.scanning === 'all' ? {} : { excluded: filters.scanning === 'excluded' }),
  limit: pageSize,
  ...(cursor ? { cursor } : {}),
});
