import { describe, expect, it } from 'vitest';
import { emptyFilters } from '../projects/repository-filters.js';
import { ciFilterOf, targetsOf } from './ci-selection.js';

describe('the selection as the CI job API takes it', () => {
  it.each([
    [emptyFilters, {}],
    [
      { connectionId: 'c1', q: ' web ', archived: 'active', tag: ' PCI ', scanning: 'included' },
      { connectionId: 'c1', q: 'web', tag: ['pci'], archived: 'false', excluded: 'false' },
    ],
    [
      { ...emptyFilters, archived: 'archived', scanning: 'excluded' },
      { archived: 'true', excluded: 'true' },
    ],
  ] as const)('filters %j become %j', (filters, filter) => {
    expect(ciFilterOf(filters)).toEqual(filter);
  });

  it('sends picked repositories by id and "all that match" with the filters', () => {
    expect(targetsOf({ kind: 'picked', ids: ['a', 'b'] })).toEqual({ repositoryIds: ['a', 'b'] });
    expect(targetsOf({ kind: 'all', filters: { ...emptyFilters, q: 'api' }, total: 120 })).toEqual({
      all: true,
      filter: { q: 'api' },
    });
  });
});
