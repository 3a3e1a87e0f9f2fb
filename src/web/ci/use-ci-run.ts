import { useCallback, useEffect, useState } from 'react';
import type { CiJobsApi } from '../api/ci-jobs-client.js';
import type { CiRun } from '../api/ci-job-schemas.js';
import { isActiveRun } from './ci-display.js';

/** How often a queued or running run is read again. */
const pollMs = 1_000;
/** How long to wait after a failed read before trying again. */
const retryMs = 3_000;

export type CiRunState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'ready'; readonly run: CiRun; readonly refreshError: string | null };

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';
const messageOf = (error: unknown, fallback: string) => (error instanceof Error ? error.message : fallback);

/**
 * One bulk run, read again every second while it is queued or running, so its page moves on its own. `replace`
 * puts in place what Cancel or Resume answered (and polling starts again for a resumed run).
 */
export const useCiRun = (
  api: Pick<CiJobsApi, 'ciRun'>,
  accountId: string,
  runId: string,
): { readonly state: CiRunState; replace(run: CiRun): void } => {
  const [state, setState] = useState<CiRunState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    api.ciRun(accountId, runId, { signal: controller.signal }).then(
      (run) => {
        if (!controller.signal.aborted) setState({ status: 'ready', run, refreshError: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState({ status: 'error', message: messageOf(error, 'Could not load the run.') });
      },
    );
    return () => controller.abort();
    // `api` is created once per page load.
  }, [accountId, runId]);

  const run = state.status === 'ready' ? state.run : null;
  const refreshFailed = state.status === 'ready' && state.refreshError !== null;
  useEffect(() => {
    if (!run || !isActiveRun(run)) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        api.ciRun(accountId, runId, { signal: controller.signal }).then(
          (next) => {
            if (!controller.signal.aborted) setState({ status: 'ready', run: next, refreshError: null });
          },
          (error: unknown) => {
            if (controller.signal.aborted || isAbort(error)) return;
            setState((previous) =>
              previous.status === 'ready'
                ? { ...previous, refreshError: messageOf(error, 'Could not refresh the run.') }
                : previous,
            );
            setAttempt((value) => value + 1);
          },
        );
      },
      refreshFailed ? retryMs : pollMs,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // Each answer is a new `run`, which schedules the next read; `attempt` retries after a failed one.
  }, [run, attempt, accountId, runId]);

  const replace = useCallback(
    (next: CiRun) => setState({ status: 'ready', run: next, refreshError: null }),
    [],
  );
  return { state, replace };
};
