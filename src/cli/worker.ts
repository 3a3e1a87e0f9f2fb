import type { Config } from '../config/config.js';
import { createLogger } from '../core/log.js';
import { startBackgroundWork, type BackgroundOptions } from '../jobs/background.js';
import { openServiceContext } from '../service-context.js';
import { untilSignal } from './signals.js';

/** How long a stopping worker lets running jobs finish before it releases their leases. */
const stopTimeoutMs = 30_000;

/**
 * Runs the background worker without the web server, on the same context, until SIGTERM / SIGINT: then it
 * stops claiming, lets running jobs finish (or releases their leases so another worker takes them at once)
 * and closes the database. `options` are for programs that embed the worker: a PostgreSQL schema, further job
 * kinds, poll and lease times.
 */
export async function runWorker(
  config: Config,
  options: BackgroundOptions & { readonly schema?: string } = {},
): Promise<number> {
  const logger = createLogger({ level: config.logLevel });
  const { schema, ...backgroundOptions } = options;
  const { ctx, database } = await openServiceContext({ config, logger, ...(schema ? { schema } : {}) });
  try {
    const background = await startBackgroundWork(ctx, backgroundOptions);
    logger.info(
      { worker: background.worker.id, database: database.engine, concurrency: config.workerConcurrency },
      'scm-connect worker is running',
    );
    const signal = await untilSignal();
    logger.info({ signal }, 'worker stopping');
    await background.stop({ timeoutMs: stopTimeoutMs });
  } finally {
    await ctx.githubApps.close();
    await database.close();
  }
  logger.info('worker stopped');
  return 0;
}
