import { describe, expect, it } from 'vitest';
import { repositoryQueryString } from '../api/connections-client.js';
import {
  emptyFilters,
  filtersFromSearch,
  parseArchivedFilter,
  parseScanningFilter,
  projectsWithTag,
  repositoryQuery,
  searchOfFilters,
  type RepositoryFilters,
} from './repository-filters.js';

const filters = (changes: Partial<RepositoryFilters>): RepositoryFilters => ({ ...emptyFilters, ...changes });

describe('repositoryQuery', () => {
  it.each([
    [emptyFilters, undefined, '?limit=50'],
    [
      filters({ connectionId: 'c1', q: ' web ', archived: 'active' }),
      undefined,
      '?connectionId=c1&q=web&archived=false&limit=50',
    ],
    [filters({ q: '  ', archived: 'archived' }), 'abc', '?archived=true&limit=50&cursor=abc'],
    [filters({ q: 'a&b=c' }), undefined, '?q=a%26b%3Dc&limit=50'],
    [filters({ tag: ' PCI ', scanning: 'excluded' }), undefined, '?tag=pci&excluded=true&limit=50'],
    [filters({ scanning: 'included' }), undefined, '?excluded=false&limit=50'],
  ] as const)('%j from %s gives %s', (given, cursor, query) => {
    expect(repositoryQueryString(repositoryQuery(given, cursor))).toBe(query);
  });

  it('reads the archived and scanning selects, defaulting to all', () => {
    expect(['all', 'active', 'archived', 'javascript:', ''].map(parseArchivedFilter)).toEqual([
      'all',
      'active',
      'archived',
      'all',
      'all',
    ]);
    expect(['included', 'excluded', 'yes', ''].map(parseScanningFilter)).toEqual([
      'included',
      'excluded',
      'all',
      'all',
    ]);
  });
});

describe('filters in the address', () => {
  it.each([
    [emptyFilters, ''],
    [filters({ connectionId: 'c1', q: 'web', archived: 'active' }), '?connection=c1&q=web&archived=active'],
    [filters({ q: 'a&b c', archived: 'archived' }), '?q=a%26b+c&archived=archived'],
    [filters({ tag: 'team:payments', scanning: 'excluded' }), '?tag=team%3Apayments&scanning=excluded'],
  ] as const)('%j is %s and back', (given, search) => {
    expect(searchOfFilters(given)).toBe(search);
    expect(filtersFromSearch(search)).toEqual(given);
  });

  it('reads a hand-edited or stale address as the filters it can mean', () => {
    expect(filtersFromSearch('?archived=yes&q=%20%20&other=1&scanning=maybe')).toEqual(emptyFilters);
    expect(filtersFromSearch('?q=%20api%20&tag=%20PCI')).toEqual(filters({ q: 'api', tag: 'pci' }));
    expect(searchOfFilters(filters({ q: '  ', tag: ' ' }))).toBe('');
  });

  it('links a tag chip to the repositories with that tag', () => {
    expect(projectsWithTag('pci/dss')).toBe('/projects?tag=pci%2Fdss');
  });
});
