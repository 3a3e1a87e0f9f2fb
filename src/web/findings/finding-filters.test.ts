import { describe, expect, it } from 'vitest';
import { findingQueryString, findingsExportPath } from '../api/findings-client.js';
import {
  emptyFindingFilters,
  findingFiltersFromSearch,
  findingQuery,
  findingsPath,
  isFiltered,
  searchOfFindingFilters,
  type FindingFilters,
} from './finding-filters.js';

const filters = (changes: Partial<FindingFilters>): FindingFilters => ({
  ...emptyFindingFilters,
  ...changes,
});

describe('findings filters in the address', () => {
  it.each([
    [emptyFindingFilters, ''],
    [filters({ state: 'any' }), '?state=any'],
    [filters({ state: 'ignored', q: 'sql injection' }), '?q=sql+injection&state=ignored'],
    [
      filters({ repositoryId: 'r1', severities: ['critical', 'high'], tag: 'pci' }),
      '?repository=r1&tag=pci&severity=critical&severity=high',
    ],
    [
      filters({ connectionId: 'c1', ruleId: 'js/xss', tool: 'ESLint', branch: 'main' }),
      '?connection=c1&rule=js%2Fxss&tool=ESLint&branch=main',
    ],
    // A scan shows every state by default, so "open" is then written out.
    [filters({ scanId: 's1', state: 'any' }), '?scan=s1'],
    [filters({ scanId: 's1', state: 'open', newInPullRequest: true }), '?scan=s1&state=open&new=true'],
  ] as const)('%j is %s and back', (given, search) => {
    expect(searchOfFindingFilters(given)).toBe(search);
    expect(findingFiltersFromSearch(search)).toEqual(given);
  });

  it('reads a hand-edited or stale address as the filters it can mean', () => {
    expect(findingFiltersFromSearch('?state=closed&severity=urgent&new=true&q=%20%20')).toEqual(
      emptyFindingFilters,
    );
    // Severities in the order of the scale, each once.
    expect(findingFiltersFromSearch('?severity=low&severity=critical&severity=low').severities).toEqual([
      'critical',
      'low',
    ]);
  });

  it('builds the links of the Projects page', () => {
    expect(findingsPath({ repositoryId: 'r1' })).toBe('/findings?repository=r1');
    expect(findingsPath({ repositoryId: 'r1', severities: ['high'] })).toBe(
      '/findings?repository=r1&severity=high',
    );
    expect(findingsPath({ scanId: 's 1' })).toBe('/findings?scan=s+1');
  });

  it('tells a narrowed list from the default one', () => {
    expect(isFiltered(emptyFindingFilters)).toBe(false);
    expect(isFiltered(filters({ scanId: 's1', state: 'any' }))).toBe(false);
    expect(isFiltered(filters({ state: 'ignored' }))).toBe(true);
    expect(isFiltered(filters({ scanId: 's1', state: 'any', newInPullRequest: true }))).toBe(true);
    expect(isFiltered(filters({ severities: ['info'] }))).toBe(true);
  });
});

describe('findings queries', () => {
  it.each([
    [emptyFindingFilters, undefined, '?state=open&limit=50'],
    [filters({ state: 'any' }), 'next', '?limit=50&cursor=next'],
    [
      filters({ severities: ['high', 'low'], q: ' a&b ', tag: ' PCI ' }),
      undefined,
      '?severity=high&severity=low&state=open&tag=pci&q=a%26b&limit=50',
    ],
    [
      filters({ scanId: 's1', state: 'any', newInPullRequest: true }),
      undefined,
      '?scan=s1&newInPullRequest=true&limit=50',
    ],
    [
      filters({ repositoryId: 'r1', ruleId: 'x', tool: 't', branch: 'b' }),
      undefined,
      '?repositoryId=r1&ruleId=x&state=open&tool=t&branch=b&limit=50',
    ],
  ] as const)('%j from %s asks %s', (given, cursor, query) => {
    expect(findingQueryString(findingQuery(given, cursor))).toBe(query);
  });

  it('exports with the same filters, without paging', () => {
    const { limit: _limit, ...query } = findingQuery(filters({ severities: ['critical'], state: 'ignored' }));
    expect(findingsExportPath('a/1', 'sarif', query)).toBe(
      '/api/v1/accounts/a%2F1/findings/export?severity=critical&state=ignored&format=sarif',
    );
  });
});
