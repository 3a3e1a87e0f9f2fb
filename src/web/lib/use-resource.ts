import { useCallback, useEffect, useState } from 'react';

export type Resource<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'ready'; readonly data: T };

/**
 * Loads data for a component and reloads it on demand; a load that a newer one (or unmounting) overtook
 * is dropped. `key` names what is loaded: a new key starts a new load.
 */
export const useResource = <T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Resource<T>, () => void] => {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResource({ status: 'ready', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const message = error instanceof Error ? error.message : 'Something went wrong.';
        setResource({ status: 'error', message });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `key` and `generation` say when to load again.
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [resource, reload];
};
