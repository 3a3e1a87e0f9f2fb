import type { FastifyInstance } from 'fastify';
import { unauthorized } from '../../core/errors.js';
import { ping } from '../../db/database.js';
import { hasBearerToken } from '../metrics.js';
import type { AppContext } from '../context.js';

/** Liveness, readiness (the database answers) and Prometheus metrics (behind a bearer token when one is set). */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) =>
    (await ping(ctx.db))
      ? { status: 'ready' }
      : reply.status(503).send({ code: 'not_ready', message: 'The database does not answer.' }),
  );
  const token = ctx.config.metricsToken;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (token !== undefined && !hasBearerToken(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw unauthorized(
        'Send `Authorization: Bearer <token>` with the token set in SCM_CONNECT_METRICS_TOKEN.',
      );
    }
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
