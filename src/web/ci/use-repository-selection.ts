import { useEffect, useState } from 'react';
import type { RepositoryFilters } from '../projects/repository-filters.js';
import { searchOfFilters } from '../projects/repository-filters.js';
import type { RepositorySelection } from './ci-selection.js';

/** The check boxes of the repository table: one per row and one for the rows shown. */
export interface RowSelection {
  isSelected(id: string): boolean;
  toggle(id: string, on: boolean): void;
  /** Whether none, some or all of the rows shown are selected. */
  readonly pageState: 'none' | 'some' | 'all';
  togglePage(on: boolean): void;
}

export interface RepositorySelectionState extends RowSelection {
  /** What is selected, or null when nothing is. */
  readonly selection: RepositorySelection | null;
  /** Every repository the filters match is selected, not only the rows shown. */
  readonly allMatching: boolean;
  selectAllMatching(): void;
  clear(): void;
}

/**
 * The Projects page's selection: rows picked one by one or a page at a time, or every repository the filters
 * match. New filters start over with nothing selected.
 */
export const useRepositorySelection = (
  filters: RepositoryFilters,
  shownIds: readonly string[],
  total: number | undefined,
): RepositorySelectionState => {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const filtersKey = searchOfFilters(filters);

  useEffect(() => {
    setPicked(new Set());
    setAllMatching(false);
  }, [filtersKey]);

  const isSelected = (id: string) => allMatching || picked.has(id);
  const selectedShown = shownIds.filter(isSelected).length;
  const pageState =
    shownIds.length > 0 && selectedShown === shownIds.length ? 'all' : selectedShown > 0 ? 'some' : 'none';

  const toggle = (id: string, on: boolean) => {
    // Unticking one row of "all that match" leaves the other rows shown selected.
    const base = allMatching ? new Set(shownIds) : new Set(picked);
    if (on) base.add(id);
    else base.delete(id);
    setAllMatching(false);
    setPicked(base);
  };

  const togglePage = (on: boolean) => {
    setAllMatching(false);
    setPicked((previous) => {
      const next = new Set(previous);
      for (const id of shownIds) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  };

  const selection: RepositorySelection | null = allMatching
    ? { kind: 'all', filters, total }
    : picked.size > 0
      ? { kind: 'picked', ids: [...picked] }
      : null;

  return {
    selection,
    allMatching,
    isSelected,
    toggle,
    pageState,
    togglePage,
    selectAllMatching: () => setAllMatching(true),
    clear: () => {
      setAllMatching(false);
      setPicked(new Set());
    },
  };
};
