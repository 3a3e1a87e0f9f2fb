import { describe, expect, it } from 'vitest';
import { repositoryQueryString } from '../api/connections-client.js';
import { emptyFilters, parseArchivedFilter, repositoryQuery } from './repository-filters.js';

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
