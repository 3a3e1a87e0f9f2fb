import type { CiRepositoryFilter, CiTargets } from '../api/ci-jobs-client.js';
import type { RepositoryFilters } from '../projects/repository-filters.js';

/** The API accepts at most this many picked repositories in one review or run. */
export const maxPickedRepositories = 1000;

/** What an admin selected on the Projects page: some rows, or every repository the filters match. */
export type RepositorySelection =
  | { readonly kind: 'picked'; readonly ids: readonly string[] }
  | { readonly kind: 'all'; readonly filters: RepositoryFilters; readonly total: number | undefined };

/** The Projects page's filters as the API's `filter` of "all that match". */
export const ciFilterOf = (filters: RepositoryFilters): CiRepositoryFilter => {
  const tag = filters.tag.trim().toLowerCase();
  return {
    ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(tag ? { tag: [tag] } : {}),
    ...(filters.archived === 'all' ? {} : { archived: filters.archived === 'archived' ? 'true' : 'false' }),
    ...(filters.scanning === 'all' ? {} : { excluded: filters.scanning === 'excluded' ? 'true' : 'false' }),
  };
};

/** The request body part that names the repositories of a selection. */
export const targetsOf = (selection: RepositorySelection): CiTargets =>
  selection.kind === 'picked'
    ? { repositoryIds: selection.ids }
    : { all: true, filter: ciFilterOf(selection.filters) };

/** "1 repository", "12 repositories". */
export const repositoriesText = (count: number): string =>
  `${count} ${count === 1 ? 'repository' : 'repositories'}`;
