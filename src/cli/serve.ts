import type { Config } from '../config/config.js';
import { createLogger } from '../core/log.js';
import { startService } from '../service.js';
import { untilSignal } from './signals.js';

/** Runs until SIGTERM / SIGINT, then stops taking requests, lets the running ones finish and closes the database. */
export async function runServe(config: Config): Promise<number> {
  const logger = createLogger({ level: config.logLevel });
  const service = await startService({ config, logger });
  logger.info(
    { url: service.url, database: service.database.engine, worker: config.worker },
    'scm-connect is listening',
  );
  if (service.setupUrl) {
    process.stdout.write(
      `\n  No admin exists yet. Open this one-time link to create the first admin:\n\n    ${service.setupUrl}\n\n`,
    );
  }
  const signal = await untilSignal();
  logger.info({ signal }, 'shutting down');
  try {
    await service.close();
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
  }
  return 0;
}
