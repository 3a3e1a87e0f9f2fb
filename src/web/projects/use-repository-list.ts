import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionsApi } from '../api/connections-client.js';
import type { Repository } from '../api/schemas.js';
import { repositoryQuery, type RepositoryFilters } from './repository-filters.js';

export interface RepositoryList {
  readonly status: 'loading' | 'ready' | 'error';
  readonly items: readonly Repository[];
  readonly total: number | undefined;
  readonly nextCursor: string | null;
  /** A page after the first is being loaded. */
  readonly loadingMore: boolean;
  readonly error: string | null;
  loadMore(): void;
  /** Puts a repository the server answered (after an admin's change) in place. */
  replace(repository: Repository): void;
}

const messageOf = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);
const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/**
 * The repositories matching `filters`, page by page: new filters start over from an empty list and the first
 * page (a load they overtook is dropped), `loadMore` appends the page after the last one.
 */
export const useRepositoryList = (
  api: Pick<ConnectionsApi, 'listRepositories'>,
  accountId: string,
  filters: RepositoryFilters,
): RepositoryList => {
  const [state, setState] = useState<Omit<RepositoryList, 'loadMore' | 'replace'>>({
    status: 'loading',
    items: [],
    total: undefined,
    nextCursor: null,
    loadingMore: false,
    error: null,
  });
  const current = useRef<AbortController | null>(null);
  const { connectionId, q, archived, tag, scanning } = filters;

  useEffect(() => {
    const controller = new AbortController();
    current.current?.abort();
    current.current = controller;
    setState({
      status: 'loading',
      items: [],
      total: undefined,
      nextCursor: null,
      loadingMore: false,
      error: null,
    });
    api
      .listRepositories(accountId, repositoryQuery({ connectionId, q, archived, tag, scanning }), {
        signal: controller.signal,
      })
      .then(
        (page) => {
          if (controller.signal.aborted) return;
          setState({
            status: 'ready',
            items: page.items,
            total: page.total,
            nextCursor: page.nextCursor ?? null,
            loadingMore: false,
            error: null,
          });
        },
        (error: unknown) => {
          if (controller.signal.aborted || isAbort(error)) return;
          setState((previous) => ({
            ...previous,
            status: 'error',
            error: messageOf(error, 'Could not load the repositories.'),
          }));
        },
      );
    return () => controller.abort();
    // `api` is created once per page load; the filters say when to start over.
  }, [accountId, connectionId, q, archived, tag, scanning]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const controller = current.current ?? new AbortController();
    setState((previous) => ({ ...previous, loadingMore: true, error: null }));
    api
      .listRepositories(accountId, repositoryQuery({ connectionId, q, archived, tag, scanning }, cursor), {
        signal: controller.signal,
      })
      .then(
        (page) => {
          if (controller.signal.aborted) return;
          setState((previous) => ({
            ...previous,
            items: [...previous.items, ...page.items],
            total: page.total ?? previous.total,
            nextCursor: page.nextCursor ?? null,
            loadingMore: false,
          }));
        },
        (error: unknown) => {
          if (controller.signal.aborted || isAbort(error)) return;
          setState((previous) => ({
            ...previous,
            loadingMore: false,
            error: messageOf(error, 'Could not load more repositories.'),
          }));
        },
      );
  }, [api, accountId, connectionId, q, archived, tag, scanning, state.nextCursor, state.loadingMore]);

  const replace = useCallback((repository: Repository) => {
    setState((previous) => ({
      ...previous,
      items: previous.items.map((item) => (item.id === repository.id ? { ...item, ...repository } : item)),
    }));
  }, []);

  return { ...state, loadMore, replace };
};
