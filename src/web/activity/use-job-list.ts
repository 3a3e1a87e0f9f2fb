import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobQuery, JobsApi, JobSummary } from '../api/jobs-client.js';
import { isActiveJob, mergeFirstPage } from './job-display.js';

export type JobFilters = Pick<JobQuery, 'kind' | 'connectionId' | 'status'>;

export interface JobList {
  readonly status: 'loading' | 'ready' | 'error';
  readonly items: readonly JobSummary[];
  readonly nextCursor: string | null;
  readonly loadingMore: boolean;
  readonly error: string | null;
  loadMore(): void;
  /** Puts a job the server answered (after retry or cancel) in place, and polls again soon. */
  replace(job: JobSummary): void;
}

type State = Omit<JobList, 'loadMore' | 'replace'>;

const pageSize = 50;
/** How often the list is read again while a job on it is queued or running. */
const pollMs = 1_000;
/** How often it is read again otherwise, so that work queued elsewhere (Sync now, a schedule) shows up. */
const idlePollMs = 5_000;

const messageOf = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);
const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';
const empty: State = { status: 'loading', items: [], nextCursor: null, loadingMore: false, error: null };

/**
 * The account's jobs matching `filters`, newest first, page by page. The first page is read again every five
 * seconds, and every second while a job on screen is queued or running (with the active jobs of later pages one
 * by one), so new work appears and a running sync's progress moves on its own.
 */
export const useJobList = (
  api: Pick<JobsApi, 'listJobs' | 'getJobSummary'>,
  accountId: string,
  filters: JobFilters,
): JobList => {
  const [state, setState] = useState<State>(empty);
  const [generation, setGeneration] = useState(0);
  const current = useRef<AbortController | null>(null);
  const { kind, connectionId, status } = filters;
  const query = useCallback(
    (cursor?: string): JobQuery => ({
      limit: pageSize,
      ...(kind ? { kind } : {}),
      ...(connectionId ? { connectionId } : {}),
      ...(status ? { status } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    [kind, connectionId, status],
  );

  useEffect(() => {
    const controller = new AbortController();
    current.current?.abort();
    current.current = controller;
    setState(empty);
    api.listJobs(accountId, query(), { signal: controller.signal }).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState({ ...empty, status: 'ready', items: page.items, nextCursor: page.nextCursor ?? null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState({ ...empty, status: 'error', error: messageOf(error, 'Could not load the activity.') });
      },
    );
    return () => controller.abort();
    // `api` is created once per page load; the filters say when to start over.
  }, [accountId, query]);

  const polling = state.status === 'ready';
  const delayMs = state.items.some(isActiveJob) ? pollMs : idlePollMs;
  useEffect(() => {
    if (!polling) return;
    const controller = current.current;
    if (!controller) return;
    const timer = setTimeout(() => {
      void refresh(controller.signal);
    }, delayMs);
    const refresh = async (signal: AbortSignal) => {
      try {
        const page = await api.listJobs(accountId, query(), { signal });
        const onPage = new Set(page.items.map((job) => job.id));
        const laterActive = state.items.filter((job) => isActiveJob(job) && !onPage.has(job.id));
        const updates = await Promise.all(
          laterActive.map((job) => api.getJobSummary(accountId, job.id, { signal })),
        );
        if (signal.aborted) return;
        setState((previous) => ({
          ...previous,
          items: mergeFirstPage(previous.items, page.items, updates),
          nextCursor: previous.items.length > pageSize ? previous.nextCursor : (page.nextCursor ?? null),
          error: null,
        }));
      } catch (error) {
        if (signal.aborted || isAbort(error)) return;
        setState((previous) => ({ ...previous, error: messageOf(error, 'Could not refresh the activity.') }));
        setGeneration((value) => value + 1);
      }
    };
    return () => clearTimeout(timer);
    // Each poll's answer changes `state.items`, which schedules the next poll.
  }, [polling, delayMs, state.items, generation, accountId, query]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const controller = current.current ?? new AbortController();
    setState((previous) => ({ ...previous, loadingMore: true, error: null }));
    api.listJobs(accountId, query(cursor), { signal: controller.signal }).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState((previous) => {
          const known = new Set(previous.items.map((job) => job.id));
          return {
            ...previous,
            items: [...previous.items, ...page.items.filter((job) => !known.has(job.id))],
            nextCursor: page.nextCursor ?? null,
            loadingMore: false,
          };
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((previous) => ({
          ...previous,
          loadingMore: false,
          error: messageOf(error, 'Could not load more activity.'),
        }));
      },
    );
  }, [api, accountId, query, state.nextCursor, state.loadingMore]);

  const replace = useCallback((job: JobSummary) => {
    setState((previous) => ({
      ...previous,
      items: previous.items.map((item) => (item.id === job.id ? job : item)),
    }));
  }, []);

  return { ...state, loadMore, replace };
};
