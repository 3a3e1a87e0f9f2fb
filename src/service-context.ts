import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { ServiceContext } from './context.js';
import { createLogger } from './core/log.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.js';
import { createHotQueries } from './db/hot-queries.js';
import { createGitHubApps } from './github-apps/registry.js';
import { createScmHttpShared } from './scm/http/index.js';
import { createLiveSecretBox } from './secrets/live-secret-box.js';

export interface OpenContextOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** PostgreSQL schema to use (tests isolate runs with it). */
  readonly schema?: string;
}

export interface OpenedContext {
  readonly ctx: ServiceContext;
  readonly database: DatabaseHandle;
}

/**
 * Opens the database, brings its schema up to date and loads the keys: the context that the web server and
 * the workers both receive. On failure the database is closed again.
 */
export async function openServiceContext(options: OpenContextOptions): Promise<OpenedContext> {
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
    const scmShared = createScmHttpShared();
    const ctx: ServiceContext = {
      config,
      db: database.db,
      engine: database.engine,
      secrets,
      logger,
      queries: createHotQueries(database),
      scmShared,
      githubApps: createGitHubApps({ config, db: database.db, secrets, scmShared }),
    };
    return { ctx, database };
  } catch (error) {
    await database.close();
    throw error;
  }
}
