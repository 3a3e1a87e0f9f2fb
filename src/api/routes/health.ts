import type { FastifyInstance } from 'fastify';
import { ping } from '../../db/database.js';
import type { AppContext } from '../context.js';

/** Liveness, readiness (the database answers) and Prometheus metrics. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) =>
    (await ping(ctx.db))
      ? { status: 'ready' }
      : reply.status(503).send({ code: 'not_ready', message: 'The database does not answer.' }),
  );
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );
}
