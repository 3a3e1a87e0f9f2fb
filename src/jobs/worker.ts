import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, Engine } from '../db/database.js';
import {
  MAX_RESULT_BYTES,
  claimJobs,
  markFailed,
  markSucceeded,
  renewLease,
  requeue,
  saveCount,
  saveProgress,
  type Lease,
} from './job-leases.js';
import { toJsonText, type Job } from './jobs.js';
import { decideAfterFailure, type BackoffOptions } from './retry-policy.js';
import { enqueueDueSchedules } from './schedules.js';
import { settlesWithin } from '../core/settles-within.js';

/** What a handler gets besides its job. */
export interface JobContext {
  /** Aborts when the worker stops, or when the job is cancelled or its lease is lost: stop soon after. */
  readonly signal: AbortSignal;
  /**
   * Renews the lease now. The worker also renews it on its own while the handler runs; call this before a step
   * that must not start once the job is cancelled. Throws {@link JobLeaseLostError} when the lease is gone.
   */
  extendLease(): Promise<void>;
  /** Bound to the job's id, kind and attempt. */
  readonly logger: Logger;
  /** Stores interim progress as the job's result (shown while it runs); throws when the lease is gone. */
  reportProgress(result: unknown): Promise<void>;
  /**
   * Stores how far the run got, `done` of `total` units (`total` omitted while unknown), which the Activity page
   * shows while the job runs. Each call is a write: call it per batch, not per item. Throws when the lease is gone.
   */
  setProgress(done: number, total?: number): Promise<void>;
}

/**
 * Runs one job; the value it returns is stored as the job's result. Throwing retries or fails the job (see
 * `decideAfterFailure`): throw an ScmError or AppError for a message users may read. A handler can run more
 * than once for one job (a worker dies mid-run), so it must be idempotent.
 */
export type JobHandler = (job: Job, context: JobContext) => Promise<unknown>;

export type JobHandlers = Readonly<Record<string, JobHandler>>;

export interface WorkerOptions {
  readonly db: Db;
  readonly engine: Engine;
  /** Handlers keyed by job kind. A job of another kind fails with a message naming the kind. */
  readonly handlers: JobHandlers;
  /** Jobs run at once by this worker; default 2. */
  readonly concurrency?: number;
  /** Wall-clock ms between polls when idle; default 500. */
  readonly pollIntervalMs?: number;
  /** How long a claim holds without renewal; after that another worker may take the job over. Default 60 s. */
  readonly leaseMs?: number;
  /** Wall-clock ms between automatic lease renewals of running jobs; default a third of `leaseMs`. */
  readonly heartbeatMs?: number;
  /** Whether this worker enqueues the jobs of recurring schedules; default true (safe with many workers). */
  readonly runSchedules?: boolean;
  readonly backoff?: BackoffOptions;
  readonly logger: Logger;
  /** The clock for leases, due times, backoff and schedules; tests inject one. */
  readonly now?: () => Date;
  /** Jitter source in [0, 1); tests inject one. */
  readonly random?: () => number;
}

export interface Worker {
  /** Written as `lease_owner` on the jobs it runs. */
  readonly id: string;
  /** Starts polling: claims due jobs up to `concurrency` and enqueues due schedules. A stopped worker stays stopped. */
  start(): void;
  /**
   * Stops claiming, aborts the signals of running handlers and waits for them up to `timeoutMs` (default 30 s).
   * A handler that finishes records its outcome; one that ends by throwing after the abort puts its job back in
   * the queue without counting the run; for one that outlives the timeout the worker releases the lease (the job
   * is queued again at once, the run not counted) and drops whatever that handler does later.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Claims and runs jobs until none is due and none is running; returns how many runs it started. */
  runUntilIdle(): Promise<number>;
}

/** The job was cancelled or taken over by another worker: this run's outcome no longer counts. */
export class JobLeaseLostError extends Error {
  constructor(jobId: string) {
    super(`The lease on job ${jobId} was lost: it was cancelled or another worker took it over.`);
    this.name = 'JobLeaseLostError';
  }
}

/** How long a stopping worker tries to give back the leases of jobs that did not stop. */
const requeueWaitMs = 2_000;

/** The abort reason handlers see when the worker stops. */
export class WorkerStoppingError extends Error {
  constructor() {
    super('The worker is stopping.');
    this.name = 'WorkerStoppingError';
  }
}

interface ActiveRun {
  readonly controller: AbortController;
  interruption: 'stopping' | 'lease-lost' | undefined;
  done: Promise<void>;
}

export function createWorker(options: WorkerOptions): Worker {
  const { db, engine, handlers, logger } = options;
  const concurrency = options.concurrency ?? 2;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const leaseMs = options.leaseMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const runSchedules = options.runSchedules ?? true;
  const now = options.now ?? (() => new Date());
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('concurrency must be a positive integer');
  const id = randomUUID();
  const log = logger.child({ worker: id });
  const active = new Map<string, ActiveRun>();
  let running = false;
  let stopping = false;
  let loopDone: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const claim = (limit: number) => claimJobs(db, engine, { owner: id, limit, now: now(), leaseMs });

  function launch(job: Job): Promise<void> {
    const run: ActiveRun = {
      controller: new AbortController(),
      interruption: undefined,
      done: Promise.resolve(),
    };
    active.set(job.id, run);
    run.done = execute(job, run).finally(() => {
      active.delete(job.id);
      wakeUp?.();
    });
    return run.done;
  }

  async function execute(job: Job, run: ActiveRun): Promise<void> {
    const lease: Lease = { jobId: job.id, owner: id };
    const jobLog = log.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
    try {
      if (stopping) {
        await requeue(db, lease, { runAt: now(), message: null, countsAsAttempt: false }, now());
        return;
      }
      if (job.attempts > job.maxAttempts) {
        const message = `The job was interrupted ${job.maxAttempts} times without finishing; it will not run again.`;
        await markFailed(db, lease, message, now());
        jobLog.error('job abandoned: its runs kept ending without an outcome');
        return;
      }
      const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
      if (!handler) {
        await markFailed(
          db,
          lease,
          `No handler for job kind "${job.kind}" in this version of scm-connect.`,
          now(),
        );
        jobLog.error('job failed: unknown kind');
        return;
      }
      await runHandler(job, run, handler, lease, jobLog);
    } catch (error) {
      // The outcome could not be written: the lease lapses and another run decides.
      jobLog.error({ err: error }, 'could not record the job outcome');
    }
  }

  async function runHandler(job: Job, run: ActiveRun, handler: JobHandler, lease: Lease, jobLog: Logger) {
    const loseLease = () => {
      run.interruption ??= 'lease-lost';
      run.controller.abort(new JobLeaseLostError(job.id));
    };
    const extendLease = async () => {
      if (!(await renewLease(db, lease, now(), leaseMs))) {
        loseLease();
        throw new JobLeaseLostError(job.id);
      }
    };
    const reportProgress = async (progress: unknown) => {
      if (!(await saveProgress(db, lease, progress, now()))) {
        loseLease();
        throw new JobLeaseLostError(job.id);
      }
    };
    const setProgress = async (done: number, total?: number) => {
      const count = (value: number) => Number.isSafeInteger(value) && value >= 0;
      if (!count(done) || (total !== undefined && !count(total)))
        throw new RangeError('progress counts are whole numbers from 0');
      if (!(await saveCount(db, lease, { done, total: total ?? null }, now()))) {
        loseLease();
        throw new JobLeaseLostError(job.id);
      }
    };
    const heartbeat = setInterval(() => {
      extendLease().catch((error: unknown) => {
        if (!(error instanceof JobLeaseLostError))
          jobLog.warn({ err: error }, 'could not renew the job lease');
      });
    }, heartbeatMs);
    heartbeat.unref();
    jobLog.debug('job started');
    let value: unknown;
    try {
      value = await handler(job, {
        signal: run.controller.signal,
        extendLease,
        logger: jobLog,
        reportProgress,
        setProgress,
      });
    } catch (error) {
      await settleFailure(job, run, lease, error, jobLog);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    if (run.interruption === 'lease-lost') {
      jobLog.warn('job result dropped: the job was cancelled or taken over');
      return;
    }
    let resultText: string;
    try {
      resultText = toJsonText(value, 'result', MAX_RESULT_BYTES);
    } catch (error) {
      jobLog.error({ err: error }, 'job result could not be stored');
      await markFailed(
        db,
        lease,
        `The job finished but its result could not be stored (at most ${MAX_RESULT_BYTES} bytes of JSON).`,
        now(),
      );
      return;
    }
    if (await markSucceeded(db, lease, resultText, now())) jobLog.info('job succeeded');
  }

  async function settleFailure(job: Job, run: ActiveRun, lease: Lease, error: unknown, jobLog: Logger) {
    if (run.interruption === 'lease-lost') {
      jobLog.info('job stopped: it was cancelled or taken over');
      return;
    }
    if (run.interruption === 'stopping') {
      await requeue(db, lease, { runAt: now(), message: null, countsAsAttempt: false }, now());
      jobLog.info('job interrupted by shutdown; queued again');
      return;
    }
    const decision = decideAfterFailure(error, {
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      now: now(),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    if (decision.action === 'fail') {
      await markFailed(db, lease, decision.message, now());
      jobLog.warn({ err: error }, 'job failed');
      return;
    }
    await requeue(db, lease, decision, now());
    jobLog.warn({ err: error, retryAt: decision.runAt.toISOString() }, 'job run failed; will retry');
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUp = done;
    });
  }

  async function poll(): Promise<void> {
    while (running) {
      let maybeMore = false;
      try {
        if (runSchedules) await enqueueDueSchedules(db, now());
        const free = concurrency - active.size;
        if (free > 0) {
          const jobs = await claim(free);
          for (const job of jobs) void launch(job);
          maybeMore = jobs.length === free && active.size < concurrency;
        }
      } catch (error) {
        log.error({ err: error }, 'job polling failed');
      }
      if (running && !maybeMore) await sleep(pollIntervalMs);
    }
  }

  return {
    id,
    start() {
      if (running || stopping) return;
      running = true;
      loopDone = poll();
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      running = false;
      stopping = true;
      wakeUp?.();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      // A poll waiting for a database connection (every one held by running jobs) must not hold the stop up.
      await Promise.race([loopDone, timeout]);
      for (const run of active.values()) {
        run.interruption ??= 'stopping';
        run.controller.abort(new WorkerStoppingError());
      }
      await Promise.race([Promise.allSettled([...active.values()].map((run) => run.done)), timeout]);
      clearTimeout(timer);
      if (active.size === 0) return;
      const stuck = [...active.keys()];
      const requeued = Promise.allSettled(
        stuck.map((jobId) =>
          requeue(db, { jobId, owner: id }, { runAt: now(), message: null, countsAsAttempt: false }, now()),
        ),
      );
      // The stuck jobs may hold every database connection: their leases then run out instead.
      const released = (await settlesWithin(requeued, requeueWaitMs)) ? await requeued : [];
      log.warn(
        { jobs: stuck, released: released.filter((r) => r.status === 'fulfilled' && r.value).length },
        'worker stopped with jobs still running; their leases were released or will run out',
      );
    },
    async runUntilIdle() {
      let runs = 0;
      const inFlight = new Set<Promise<void>>();
      for (;;) {
        if (stopping) break;
        if (runSchedules) await enqueueDueSchedules(db, now());
        const jobs = await claim(concurrency - inFlight.size);
        runs += jobs.length;
        for (const job of jobs) {
          const done = launch(job).finally(() => inFlight.delete(done));
          inFlight.add(done);
        }
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
      }
      await Promise.allSettled(inFlight);
      return runs;
    },
  };
}
