import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startService, type RunningService } from '../../src/service.js';
import { dropSchema, testPostgresUrl, uniqueSchema } from './database.js';

export interface TestService extends RunningService {
  readonly config: Config;
  readonly dataDir: string;
}

const webRoot = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The whole service on 127.0.0.1 with an ephemeral port and a fresh database (PostgreSQL when
 * TEST_DATABASE_URL is set, else SQLite in a temporary directory), serving the built UI.
 */
export async function startTestService(
  env: Record<string, string> = {},
  options: {
    logger?: import('pino').Logger;
    dataDir?: string;
    workerPollMs?: number;
    shutdownGraceMs?: number;
  } = {},
): Promise<TestService> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'scm-connect-test-'));
  const databaseUrl = testPostgresUrl();
  const schema = databaseUrl ? uniqueSchema() : undefined;
  const config = loadConfig({
    SCM_CONNECT_PORT: '0',
    SCM_CONNECT_HOST: '127.0.0.1',
    SCM_CONNECT_DATA_DIR: dataDir,
    SCM_CONNECT_LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const logger = options.logger ?? (env.SCM_CONNECT_LOG_LEVEL ? undefined : pino({ level: 'silent' }));
  const service = await startService({
    config,
    webRoot,
    workerPollMs: options.workerPollMs ?? 50,
    // Short enough that a close cut off at every step still ends within a test hook's timeout.
    shutdownGraceMs: options.shutdownGraceMs ?? 5_000,
    ...(logger ? { logger } : {}),
    ...(schema ? { schema } : {}),
  });
  return {
    ...service,
    config,
    dataDir,
    close: async () => {
      await service.close();
      if (databaseUrl && schema) await dropSchema(databaseUrl, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
