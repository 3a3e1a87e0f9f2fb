import { describe, expect, it } from 'vitest';
import { repositoryQueryString } from '../api/connections-client.js';
import {
  emptyFilters,
  filtersFromSearch,
  parseArchivedFilter,
  repositoryQuery,
  searchOfFilters,
} from './repository-filters.js';

describe('repositoryQuery', () => {
  it.each([
    [emptyFilters, undefined, '?limit=50'],
    [
      { connectionId: 'c1', q: ' web ', archived: 'active' },
      undefined,
      '?connectionId=c1&q=web&archived=false&limit=50',
    ],
    [{ connectionId: '', q: '  ', archived: 'archived' }, 'abc', '?archived=true&limit=50&cursor=abc'],
    [{ connectionId: '', q: 'a&b=c', archived: 'all' }, undefined, '?q=a%26b%3Dc&limit=50'],
  ] as const)('%j from %s gives %s', (filters, cursor, query) => {
    expect(repositoryQueryString(repositoryQuery(filters, cursor))).toBe(query);
  });

  it('reads the archived select, defaulting to all', () => {
    expect(['all', 'active', 'archived', 'javascript:', ''].map(parseArchivedFilter)).toEqual([
      'all',
      'active',
      'archived',
      'all',
      'all',
    ]);
  });
});

describe('filters in the address', () => {
  it.each([
    [emptyFilters, ''],
    [{ connectionId: 'c1', q: 'web', archived: 'active' }, '?connection=c1&q=web&archived=active'],
    [{ connectionId: '', q: 'a&b c', archived: 'archived' }, '?q=a%26b+c&archived=archived'],
  ] as const)('%j is %s and back', (filters, search) => {
    expect(searchOfFilters(filters)).toBe(search);
    expect(filtersFromSearch(search)).toEqual(filters);
  });

  it('reads a hand-edited or stale address as the filters it can mean', () => {
    expect(filtersFromSearch('?archived=yes&q=%20%20&other=1')).toEqual(emptyFilters);
    expect(filtersFromSearch('?q=%20api%20')).toEqual({ ...emptyFilters, q: 'api' });
    expect(searchOfFilters({ ...emptyFilters, q: '  ' })).toBe('');
  });
});
