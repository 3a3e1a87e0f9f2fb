import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { startService, type RunningService } from '../../src/service.js';
import { dropSchema, testPostgresUrl, uniqueSchema } from '../helpers/database.js';
import type { TestService } from '../helpers/service.js';

/**
 * The service on one database that outlives it: `start()` starts it (again) on the same data directory and
 * PostgreSQL schema, as a restart after a crash would; `dispose()` stops it and throws the database away.
 */
export function restartableService(env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-restart-'));
  const databaseUrl = testPostgresUrl();
  const schema = databaseUrl ? uniqueSchema() : undefined;
  let running: RunningService | undefined;
  return {
    async start(): Promise<TestService> {
      const config = loadConfig({
        SCM_CONNECT_PORT: '0',
        SCM_CONNECT_HOST: '127.0.0.1',
        SCM_CONNECT_DATA_DIR: dataDir,
        SCM_CONNECT_LOG_LEVEL: 'silent',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...env,
      });
      running = await startService({
        config,
        workerPollMs: 50,
        logger: pino({ level: 'silent' }),
        ...(schema ? { schema } : {}),
      });
      return { ...running, config, dataDir };
    },
    /** Stops the running service (its worker's job is interrupted and queued again). */
    async stop(): Promise<void> {
      await running?.close();
      running = undefined;
    },
    async dispose(): Promise<void> {
      await running?.close();
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
