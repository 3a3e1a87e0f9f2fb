import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { createMetrics } from './api/metrics.js';
import { setupTokenKey } from './api/routes/setup.js';
import type { Config } from './config/config.js';
import { settlesWithin } from './core/settles-within.js';
import { issueToken } from './core/tokens.js';
import type { DatabaseHandle } from './db/database.js';
import { putSetting } from './db/instance-settings.js';
import { countUsers } from './db/users.js';
import { startBackgroundWork, type BackgroundWork } from './jobs/background.js';
import { openServiceContext } from './service-context.js';

export interface ServiceOptions {
  readonly config: Config;
  readonly logger?: Logger;
  /** PostgreSQL schema to use (tests isolate runs with it). */
  readonly schema?: string;
  /** Where the built UI is; by default `dist/web` of this package when it exists. */
  readonly webRoot?: string;
  /** How often the worker looks for due jobs when idle (default 500 ms). */
  readonly workerPollMs?: number;
  /** How long closing waits for requests in flight and calls to SCMs before it ends them (default 10 s). */
  readonly shutdownGraceMs?: number;
}

export interface RunningService {
  /** The address the service listens on, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  /** The one-time link that creates the first admin, while the instance has no user. */
  readonly setupUrl: string | undefined;
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  /** The built-in worker; undefined with `SCM_CONNECT_WORKER=false`. */
  readonly background: BackgroundWork | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database, brings its schema up to date, loads the keys and starts listening; runs the built-in
 * worker too unless `SCM_CONNECT_WORKER=false` (then `scm-connect worker` processes do the background work).
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  const { ctx, database } = await openServiceContext(options);
  let background: BackgroundWork | undefined;
  try {
    const app = await buildApp({
      ...ctx,
      metrics: createMetrics(),
      webRoot: options.webRoot ?? defaultWebRoot(),
    });
    await app.listen({ port: config.port, host: config.host });
    if (config.worker) {
      background = await startBackgroundWork(ctx, {
        ...(options.workerPollMs ? { pollIntervalMs: options.workerPollMs } : {}),
      });
    }
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
      background,
      close: () =>
        closeService({ app, background, ctx, database }, options.shutdownGraceMs ?? defaultShutdownGraceMs),
    };
  } catch (error) {
    await background?.stop({ timeoutMs: 1_000 });
    await ctx.githubApps.close();
    await database.close();
    throw error;
  }
}

const defaultShutdownGraceMs = 10_000;

/**
 * Stops taking requests, stops the worker, then closes SCM clients and the database. Every step is bounded: a
 * request or SCM call that never ends is cut off after the grace period (and logged), so shutdown always ends.
 */
async function closeService(
  parts: {
    app: FastifyInstance;
    background: BackgroundWork | undefined;
    ctx: Awaited<ReturnType<typeof openServiceContext>>['ctx'];
    database: DatabaseHandle;
  },
  shutdownGraceMs: number,
): Promise<void> {
  const { app, background, ctx, database } = parts;
  const closing = app.close();
  if (!(await settlesWithin(closing, shutdownGraceMs))) {
    ctx.logger.warn('shutdown: requests still running after the grace period were cut off');
    app.server.closeAllConnections();
    await settlesWithin(closing, 1_000);
  }
  await background?.stop({ timeoutMs: shutdownGraceMs });
  if (!(await settlesWithin(ctx.githubApps.close(), shutdownGraceMs)))
    ctx.logger.warn('shutdown: calls to GitHub still running after the grace period were left behind');
  await database.close();
}

function defaultWebRoot(): string | undefined {
  const candidates = [new URL('../web/', import.meta.url), new URL('../dist/web/', import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}
