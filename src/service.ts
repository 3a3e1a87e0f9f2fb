import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { createMetrics } from './api/metrics.js';
import { setupTokenKey } from './api/routes/setup.js';
import type { Config } from './config/config.js';
import { createLogger } from './core/log.js';
import { issueToken } from './core/tokens.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.js';
import { createHotQueries } from './db/hot-queries.js';
import { putSetting } from './db/instance-settings.js';
import { countUsers } from './db/users.js';
import { createSyncHandler } from './connections/sync.js';
import { syncJobKind } from './connections/service.js';
import {
  createHousekeepingHandler,
  createWorker,
  housekeepingEveryMs,
  housekeepingJobKind,
  scheduleEvery,
} from './jobs/index.js';
import { createScmHttpShared } from './scm/http/index.js';
import { createLiveSecretBox } from './secrets/live-secret-box.js';

export interface ServiceOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** PostgreSQL schema to use (tests isolate runs with it). */
  readonly schema?: string;
  /** Where the built UI is; by default `dist/web` of this package when it exists. */
  readonly webRoot?: string;
  /** How often the worker looks for due jobs when idle (default 500 ms). */
  readonly workerPollMs?: number;
}

export interface RunningService {
  /** The address the service listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The one-time link that creates the first admin, while the instance has no user. */
  readonly setupUrl: string | undefined;
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

/** Opens the database, brings its schema up to date, loads the keys and starts listening. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const secrets = createLiveSecretBox({ envValue: config.masterKey, dataDir: config.dataDir });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  try {
    await migrateToLatest(database);
    const ctx = {
      config,
      db: database.db,
      engine: database.engine,
      secrets,
      logger,
      metrics: createMetrics(),
      queries: createHotQueries(database),
      scmShared: createScmHttpShared(),
      webRoot: options.webRoot ?? defaultWebRoot(),
    };
    const app = await buildApp(ctx);
    const worker = createWorker({
      db: database.db,
      engine: database.engine,
      handlers: {
        [syncJobKind]: createSyncHandler(ctx),
        [housekeepingJobKind]: createHousekeepingHandler(database.db),
      },
      logger: logger.child({ component: 'worker' }),
      ...(options.workerPollMs ? { pollIntervalMs: options.workerPollMs } : {}),
    });
    await scheduleEvery(database.db, {
      name: 'housekeeping',
      kind: housekeepingJobKind,
      everyMs: housekeepingEveryMs,
    });
    await app.listen({ port: config.port, host: config.host });
    worker.start();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const publicUrl =
      config.publicUrl?.origin ??
      (config.host === '0.0.0.0' || config.host === '::' ? `http://localhost:${port}` : url);
    let setupUrl: string | undefined;
    if ((await countUsers(database.db)) === 0) {
      const token = issueToken();
      await putSetting(database.db, setupTokenKey, token.hash);
      setupUrl = `${publicUrl}/setup?token=${token.value}`;
    }
    return {
      url,
      setupUrl,
      app,
      database,
      close: async () => {
        await app.close();
        await worker.stop({ timeoutMs: 10_000 });
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

function defaultWebRoot(): string | undefined {
  const candidates = [new URL('../web/', import.meta.url), new URL('../dist/web/', import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}
