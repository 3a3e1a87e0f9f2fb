import type { Job } from '../api/schemas.js';

export const finishedJobStatuses: readonly Job['status'][] = ['succeeded', 'failed', 'cancelled'];

export interface WaitForJobOptions {
  readonly signal?: AbortSignal;
  /** Waits between polls, in order; the last one repeats. Default: quick at first, then every 2 s. */
  readonly delaysMs?: readonly number[];
  /** How to wait; replaced in tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultDelays = [250, 500, 1_000, 2_000];

const abortError = () => new DOMException('The wait was aborted.', 'AbortError');

const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Polls a job until it has finished (succeeded, failed or cancelled) and returns its last state. Rejects with
 * an `AbortError` when `signal` aborts, and with whatever `fetchJob` rejects with.
 */
export const waitForJob = async (
  job: Job,
  fetchJob: (jobId: string, signal?: AbortSignal) => Promise<Job>,
  options: WaitForJobOptions = {},
): Promise<Job> => {
  const delays = options.delaysMs?.length ? options.delaysMs : defaultDelays;
  const sleep = options.sleep ?? sleepFor;
  let current = job;
  for (let poll = 0; !finishedJobStatuses.includes(current.status); poll += 1) {
    await sleep(delays[Math.min(poll, delays.length - 1)]!, options.signal);
    current = await fetchJob(job.id, options.signal);
  }
  return current;
};
