import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../core/errors.js';
import { appKeyOf } from '../github-apps/registry.js';
import type { GitHubInstallDeps } from '../connections/github/install-deps.js';
import { registerAuth } from './auth.js';
import type { AppContext } from './context.js';
import {
  answerClientError,
  answerFrameworkError,
  answerUnmetExpectation,
  registerErrorHandling,
} from './errors.js';
import { parseJsonBody } from './json-body.js';
import { serializerCompiler } from './serializer.js';
import { registerStorableTextCheck } from './storable-text.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerCiJobRoutes } from './routes/ci-jobs.js';
import { registerCiSettingsRoutes } from './routes/ci-settings.js';
import { registerCommentSettingsRoutes } from './routes/comment-settings.js';
import { registerConnectionRoutes } from './routes/connections.js';
import { registerGitHubInstallRoutes, registerGitHubSetupRoute } from './routes/github-install.js';
import { registerGitHubAppRoutes } from './routes/github-app.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerInventoryRoutes } from './routes/inventory.js';
import { registerInvitationRoutes } from './routes/invitations.js';
import { registerJobRoutes } from './routes/jobs.js';
import { registerFindingRoutes } from './routes/findings.js';
import { registerScanRoutes } from './routes/scans.js';
import { registerMemberRoutes } from './routes/members.js';
import { registerMembershipSourceRoutes } from './routes/membership-source.js';
import { registerSessionRoutes } from './routes/session.js';
import { registerSetupRoutes } from './routes/setup.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerGitLabOAuthAppRoutes } from './routes/gitlab-oauth-apps.js';
import { registerProfileRoutes } from './routes/profile.js';
import { registerSignInMethodRoutes, registerSignInPages } from './routes/sign-in.js';
import { registerSsoRoutes } from './routes/sso.js';
import { registerSsoFlowRoutes } from './routes/sso-flow.js';
import { registerWebhookRoutes } from './webhooks/routes.js';

export type App = FastifyInstance;
export type ZodApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Builds the HTTP application: API under /api/v1, its OpenAPI description at /api/docs, ops endpoints, the UI. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    // Answered by registerClosing instead, as `{code, message}` like every other error.
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // One line per request, written when it is answered (registerRequestObservation), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.server.on('checkExpectation', answerUnmetExpectation);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /charset=([^;\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset && charset !== 'utf-8' && charset !== 'utf8') {
      done(new AppError(415, 'unsupported_media_type', 'Send JSON encoded as UTF-8.'), undefined);
      return;
    }
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  registerClosing(app);
  await app.register(fastifyCookie);
  registerErrorHandling(app);
  registerStorableTextCheck(app);
  registerSecurityHeaders(app);
  registerRequestObservation(app, ctx);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'scm-connect API',
        version: '1',
        description:
          'Connect source code managers to the code-scanning platform. Authenticate with a session cookie ' +
          '(browser; send `x-csrf-token` on changes) or `Authorization: Bearer scmc_…` (an API token of an account).',
      },
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'scm_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  registerAuth(app, ctx);
  const gitHubInstall: GitHubInstallDeps = {
    db: ctx.db,
    secrets: ctx.secrets,
    now: () => new Date(),
    async app(connection) {
      const credentials = connection
        ? await ctx.githubApps.connectionApp(connection.accountId, connection.connectionId)
        : await ctx.githubApps.instanceApp();
      if (!credentials) return undefined;
      return {
        kind: connection ? 'github-enterprise' : 'github',
        credentials,
        clients: ctx.githubApps.clients(credentials, connection?.accountId),
      };
    },
  };
  await app.register(
    async (api) => {
      const zapp = api.withTypeProvider<ZodTypeProvider>();
      registerSetupRoutes(zapp, ctx);
      registerSessionRoutes(zapp, ctx);
      registerAccountRoutes(zapp, ctx);
      registerMemberRoutes(zapp, ctx);
      registerMembershipSourceRoutes(zapp, ctx);
      registerInvitationRoutes(zapp, ctx);
      registerTokenRoutes(zapp, ctx);
      registerConnectionRoutes(zapp, ctx);
      registerInventoryRoutes(zapp, ctx);
      registerJobRoutes(zapp, ctx);
      registerFindingRoutes(zapp, ctx);
      registerScanRoutes(zapp, ctx);
      registerCommentSettingsRoutes(zapp, ctx);
      registerCiSettingsRoutes(zapp, ctx);
      registerCiJobRoutes(zapp, ctx);
      registerGitHubInstallRoutes(zapp, ctx, gitHubInstall);
      registerSsoRoutes(zapp, ctx);
      registerSignInMethodRoutes(zapp, ctx);
      registerProfileRoutes(zapp, ctx);
      registerGitLabOAuthAppRoutes(zapp, ctx);
    },
    { prefix: '/api/v1' },
  );
  registerGitHubSetupRoute(app, ctx, gitHubInstall);
  await registerSsoFlowRoutes(app, ctx);
  registerSignInPages(app, ctx);
  await registerGitHubAppRoutes(app, ctx, gitHubInstall);
  await registerWebhookRoutes(app, ctx, {
    gitHubApp: async () => {
      const instance = await ctx.githubApps.instanceApp();
      return instance && { key: appKeyOf(instance), webhookSecret: instance.webhookSecret };
    },
  });
  registerHealthRoutes(app, ctx);
  await registerWebUi(app, ctx);
  return app;
}

const contentSecurityPolicy =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Callback-style hooks: these run on every request, and an async hook costs a promise and a microtask each.
function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (!request.url.startsWith('/api/docs')) {
      reply.header('content-security-policy', contentSecurityPolicy);
      if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
}

/** While the service shuts down, new requests get a 503 that says to retry, and their connection closes. */
function registerClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) {
      done();
      return;
    }
    void reply.header('connection', 'close').header('retry-after', 1);
    done(new AppError(503, 'shutting_down', 'The service is shutting down; send the request again.'));
  });
}

/** Each answered request is counted, timed and logged once at `info`, its URL masked by the logger. */
function registerRequestObservation(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    request.log.info(
      { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
}

async function registerWebUi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const root = ctx.webRoot;
  if (!root || !existsSync(path.join(root, 'index.html'))) {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          'scm-connect is running, but its web UI was not built: run `npm run build`. The API is at /api/v1.',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, { root, wildcard: false, index: false });
  const sendIndex = (reply: import('fastify').FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', (_request, reply) => sendIndex(reply));
  app.get('/*', (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (pathname.startsWith('/api/') || pathname.startsWith('/assets/')) {
      return reply.status(404).send({ code: 'not_found', message: 'No such resource.' });
    }
    return sendIndex(reply);
  });
}
