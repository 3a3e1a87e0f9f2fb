import { useCallback, useEffect, useRef, useState } from 'react';

/** One page of a cursor-paginated listing. */
export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | null;
}

export interface CursorList<T> {
  readonly status: 'loading' | 'ready' | 'error';
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  /** A page after the first is being loaded. */
  readonly loadingMore: boolean;
  readonly error: string | null;
  loadMore(): void;
  /** Starts over from the first page (after a change elsewhere, say a finished scan). */
  reload(): void;
}

type State<T> = Omit<CursorList<T>, 'loadMore' | 'reload'>;

const messageOf = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);
const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';

/**
 * A listing read page by page: a new `key` (the filters) starts over from an empty list and the first page (a
 * load it overtook is dropped), `loadMore` appends the page after the last one, leaving out items already shown.
 * `load` is read when a load starts; `key` says when to start over.
 */
export const useCursorList = <T extends { readonly id: string }>(
  key: string,
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<CursorPage<T>>,
  fallback: { readonly first: string; readonly more: string },
): CursorList<T> => {
  const empty: State<T> = { status: 'loading', items: [], nextCursor: null, loadingMore: false, error: null };
  const [state, setState] = useState<State<T>>(empty);
  const [generation, setGeneration] = useState(0);
  const current = useRef<AbortController | null>(null);
  const loadedKey = useRef<string | null>(null);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    current.current?.abort();
    current.current = controller;
    // A reload of the same listing keeps it on screen until the fresh page replaces it.
    if (loadedKey.current !== key) setState(empty);
    loadedKey.current = key;
    loader.current(undefined, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState({ ...empty, status: 'ready', items: page.items, nextCursor: page.nextCursor ?? null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState({ ...empty, status: 'error', error: messageOf(error, fallback.first) });
      },
    );
    return () => controller.abort();
    // `key` and `generation` say when to start over; the other values are read as they are then.
  }, [key, generation]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const controller = current.current ?? new AbortController();
    setState((previous) => ({ ...previous, loadingMore: true, error: null }));
    loader.current(cursor, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState((previous) => {
          const known = new Set(previous.items.map((item) => item.id));
          return {
            ...previous,
            items: [...previous.items, ...page.items.filter((item) => !known.has(item.id))],
            nextCursor: page.nextCursor ?? null,
            loadingMore: false,
          };
        });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((previous) => ({ ...previous, loadingMore: false, error: messageOf(error, fallback.more) }));
      },
    );
  }, [state.nextCursor, state.loadingMore, fallback.more]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  return { ...state, loadMore, reload };
};
