import type { ServiceContext } from '../context.js';
import { createServiceHandlers, type ServiceHandlerOptions } from './service-handlers.js';
import { registerServiceSchedules } from './service-schedules.js';
import { createWorker, type JobHandlers, type Worker } from './worker.js';

export interface BackgroundOptions extends ServiceHandlerOptions {
  /** How often the worker looks for due jobs when idle (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** How long a claim holds without renewal (default 60 s). */
  readonly leaseMs?: number;
  /** Handlers of further job kinds, next to the service's own (an embedding program's, or a test's). */
  readonly extraHandlers?: JobHandlers;
}

export interface BackgroundWork {
  readonly worker: Worker;
  /** Stops claiming; running jobs finish, or their leases are released after `timeoutMs` (default 30 s). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * The background side of the service: stores the recurring schedules, then runs a worker with every job kind
 * (`SCM_CONNECT_WORKER_CONCURRENCY` at once). `serve` starts it unless `SCM_CONNECT_WORKER=false`;
 * `scm-connect worker` starts only this. Any number of them may share one PostgreSQL.
 */
export async function startBackgroundWork(
  ctx: ServiceContext,
  options: BackgroundOptions = {},
): Promise<BackgroundWork> {
  await registerServiceSchedules(ctx.db, {
    syncEveryMs: ctx.config.syncEveryMs,
    membershipEveryMs: ctx.config.membershipEveryMs,
  });
  const worker = createWorker({
    db: ctx.db,
    engine: ctx.engine,
    handlers: { ...createServiceHandlers(ctx, options), ...options.extraHandlers },
    concurrency: ctx.config.workerConcurrency,
    logger: ctx.logger.child({ component: 'worker' }),
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  worker.start();
  return { worker, stop: (stopOptions) => worker.stop(stopOptions) };
}
