import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attachEnterpriseApp, enterpriseEndpointId } from '../../connections/github/enterprise-connect.js';
import type { GitHubInstallDeps } from '../../connections/github/install-deps.js';
import { startInstall } from '../../connections/github/install-flow.js';
import { conflict, forbidden, notFound, unauthorized } from '../../core/errors.js';
import { findConnectionRow } from '../../db/connections.js';
import { findInstanceAppRow } from '../../db/github-apps.js';
import { isInstanceAdmin } from '../../db/users.js';
import {
  finishManifest,
  manifestHandOff,
  startManifest,
  type ManifestFlowDeps,
  type ManifestTarget,
} from '../../github-apps/manifest-flow.js';
import { githubLoginPattern } from '../../github-apps/manifest.js';
import {
  instanceWebhookPath,
  manifestCallbackPath,
  enterpriseSetupPath,
  manifestHandOffPath,
  setupPath,
} from '../../github-apps/paths.js';
import { webRootOf } from '../../github-apps/registry.js';
import { createScmHttp } from '../../scm/http/index.js';
import { webhookPath } from '../../webhooks/endpoints.js';
import { browserSession, requireAccount, requireUser } from '../auth.js';
import { sendBrowserFailure } from '../browser-page.js';
import type { AppContext } from '../context.js';
import { handOffPolicy, manifestHandOffPage } from '../manifest-hand-off-page.js';
import { errors, fields } from '../schemas.js';
import { setInstallNonceCookie } from './github-install.js';
import { publicOrigin } from '../session-view.js';

/** Carries the hand-off page's policy from the handler to its onSend hook; never sent. */
const formPolicyHeader = 'x-scm-connect-form-policy';

/** The cookie holding the nonce of a manifest flow, sent back only to the manifest paths. */
export const manifestNonceCookie = 'scm_github_manifest_nonce';

const gitHubAppSchema = z
  .object({
    configured: z.boolean(),
    source: z
      .enum(['environment', 'registered'])
      .nullable()
      .describe(
        '`environment`: SCM_CONNECT_GITHUB_APP_*; `registered`: created here with Create the GitHub App.',
      ),
    appId: z.string().nullable(),
    slug: z.string().nullable(),
    name: z.string().nullable().describe('Known for a registered app.'),
    owner: z.string().nullable().describe('The GitHub account that owns a registered app.'),
    htmlUrl: z.string().nullable().describe('The app’s page on GitHub.'),
    installUrl: z.string().nullable().describe('Where an organization owner installs the app.'),
    permissions: z
      .record(z.string(), z.string())
      .nullable()
      .describe('Those GitHub granted a registered app; an environment app’s are set on GitHub.'),
    events: z.array(z.string()).nullable(),
    createdAt: z.string().nullable(),
    canCreate: z.boolean().describe('The caller is an instance admin and no app is set up.'),
  })
  .describe('The instance’s GitHub App on github.com: public facts only, never a secret.');

const startSchema = z.object({
  url: z.string().describe('scm-connect’s hand-off page, which posts the manifest to GitHub; open it.'),
  formTarget: z.string().describe('Where the manifest form is posted (with the state).'),
  manifest: z.record(z.string(), z.unknown()).describe('The form field `manifest`, as JSON.'),
});

/** The flow's dependencies, bound to the service: the conversion call goes through the guarded layer. */
export function manifestFlowDeps(ctx: AppContext): ManifestFlowDeps {
  return {
    db: ctx.db,
    secrets: ctx.secrets,
    now: () => new Date(),
    environmentApp: ctx.config.githubApp !== undefined,
    async onRegistered(db, app) {
      if (app.accountId === null || app.connectionId === null) return;
      await attachEnterpriseApp(db, ctx.secrets, {
        accountId: app.accountId,
        connectionId: app.connectionId,
        appId: app.appId,
        webhookSecret: app.webhookSecret,
      });
    },
    conversionHttp: (target) =>
      createScmHttp({
        baseUrl: target.apiUrl,
        ...(target.caPem === undefined ? {} : { caPem: target.caPem }),
        // Entries of the allowlist scoped to an account open nothing for the instance's app.
        policy: { allowlist: ctx.config.allowedHosts, accountId: target.accountId ?? '' },
        shared: ctx.scmShared,
        allowHttp: ctx.config.allowHttp,
      }),
  };
}

const instanceTarget = (ctx: AppContext, owner: string | null): ManifestTarget => ({
  accountId: null,
  connectionId: null,
  setupPath,
  webUrl: ctx.config.cloudUrls.githubWeb,
  apiUrl: ctx.config.cloudUrls.githubApi,
  owner,
  // Public: Connect to GitHub lets admins of any organization install it (see ManifestInput.public).
  public: true,
  webhookPath: instanceWebhookPath,
});

const setNonceCookie = (reply: FastifyReply, ctx: AppContext, request: FastifyRequest, nonce: string) =>
  reply.setCookie(manifestNonceCookie, nonce, {
    httpOnly: true,
    // Lax: sent on GitHub's top-level redirect back, not on cross-site subrequests.
    sameSite: 'lax',
    secure: ctx.config.publicUrl ? ctx.config.publicUrl.protocol === 'https:' : request.protocol === 'https',
    path: manifestCallbackPath,
    maxAge: 10 * 60,
  });

const requireInstanceAdmin = async (ctx: AppContext, userId: string) => {
  if (!(await isInstanceAdmin(ctx.db, userId))) {
    throw forbidden(
      'Only an instance admin can create the instance’s GitHub App; ask one (the person who set scm-connect up is the first).',
    );
  }
};

/**
 * Create the GitHub App: `GET /api/v1/github-app` (the instance's app, as signed-in people may see it),
 * `POST /api/v1/github-app/manifest` (an instance admin starts), and the browser pages of the flow.
 */
export async function registerGitHubAppRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  install: GitHubInstallDeps,
): Promise<void> {
  const deps = manifestFlowDeps(ctx);
  registerManifestPages(app, ctx, deps, install);
  await app.register(
    async (api) => {
      const zapp = api.withTypeProvider<ZodTypeProvider>();
      zapp.get(
        '/github-app',
        {
          schema: {
            tags: ['github'],
            summary: 'The instance’s GitHub App: where it comes from, its id, slug, permissions and events',
            response: { 200: gitHubAppSchema, ...errors(401) },
          },
        },
        async (request) => {
          const auth = request.auth;
          const mayCreate = auth?.kind === 'session' && (await isInstanceAdmin(ctx.db, auth.userId));
          const web = webRootOf(ctx.config.cloudUrls.githubWeb);
          const environment = ctx.config.githubApp;
          const row = environment ? undefined : await findInstanceAppRow(ctx.db, web);
          const slug = environment?.slug ?? row?.slug ?? null;
          const htmlUrl = slug === null ? null : `${web}/apps/${encodeURIComponent(slug)}`;
          return {
            configured: slug !== null,
            source: environment ? 'environment' : row ? 'registered' : null,
            appId: environment?.appId ?? row?.app_id ?? null,
            slug,
            name: row?.name ?? null,
            owner: row?.owner ?? null,
            htmlUrl,
            installUrl: htmlUrl && `${htmlUrl}/installations/new`,
            permissions: row ? (JSON.parse(row.permissions) as Record<string, string>) : null,
            events: row ? (JSON.parse(row.events) as string[]) : null,
            createdAt: row?.created_at ?? null,
            canCreate: slug === null && mayCreate,
          } as const;
        },
      );

      zapp.post(
        '/accounts/:accountId/connections/:connectionId/github-enterprise/app',
        {
          schema: {
            tags: ['github'],
            summary:
              'Register app: start registering a GitHub Enterprise Server connection’s app on its instance (account admins)',
            description:
              'Answers scm-connect’s hand-off page, which posts the app’s manifest to the instance for the owner ' +
              'organization (an Enterprise-public app); the instance sends the person back, the code is converted ' +
              'into the app’s credentials, and the person goes on to install it.',
            params: z.strictObject({ accountId: fields.uuid, connectionId: fields.uuid }),
            response: { 200: startSchema, ...errors(400, 401, 403, 404, 409) },
          },
        },
        async (request, reply) => {
          const auth = requireUser(request);
          const { accountId, connectionId } = request.params;
          await requireAccount(request, ctx, accountId, 'admin');
          const row = await findConnectionRow(ctx.db, accountId, connectionId);
          if (row?.kind !== 'github-enterprise') throw notFound('GitHub Enterprise Server connection');
          const endpointId = await enterpriseEndpointId(ctx.db, accountId, connectionId);
          const started = await startManifest(
            deps,
            { accountId, userId: auth.userId, sessionHash: auth.sessionIdHash },
            {
              accountId,
              connectionId,
              webUrl: new URL(row.base_url),
              apiUrl: new URL(`${row.base_url}/api/v3`),
              owner: row.target,
              // An Enterprise-public app: further organizations of the instance install it through its public link.
              public: true,
              webhookPath: webhookPath('github', endpointId),
              setupPath: enterpriseSetupPath(connectionId),
              ...(row.ca_pem ? { caPem: row.ca_pem } : {}),
            },
            new URL(publicOrigin(ctx, request)),
          );
          setNonceCookie(reply, ctx, request, started.nonce);
          return {
            url: started.handOffUrl,
            formTarget: started.formTarget,
            manifest: { ...started.manifest },
          };
        },
      );

      zapp.post(
        '/github-app/manifest',
        {
          schema: {
            tags: ['github'],
            summary:
              'Start Create the GitHub App (instance admins): the hand-off page, the form target, the manifest',
            body: z.strictObject({
              organization: z
                .string()
                .regex(githubLoginPattern, 'must be a GitHub organization login, such as acme-corp')
                .optional()
                .describe('The organization that owns the app; without it, your own GitHub account does.'),
            }),
            response: { 200: startSchema, ...errors(400, 401, 403, 409) },
          },
        },
        async (request, reply) => {
          const auth = requireUser(request);
          await requireInstanceAdmin(ctx, auth.userId);
          if (auth.accountId === null) {
            throw conflict('account_required', 'Select or create an account first; the flow runs in one.');
          }
          const started = await startManifest(
            deps,
            { accountId: auth.accountId, userId: auth.userId, sessionHash: auth.sessionIdHash },
            instanceTarget(ctx, request.body.organization ?? null),
            new URL(publicOrigin(ctx, request)),
          );
          setNonceCookie(reply, ctx, request, started.nonce);
          return {
            url: started.handOffUrl,
            formTarget: started.formTarget,
            manifest: { ...started.manifest },
          };
        },
      );
    },
    { prefix: '/api/v1' },
  );
}

/** The signed-in person of a browser page (these routes are outside /api/v1, where auth resolves callers). */
async function signedIn(ctx: AppContext, request: FastifyRequest) {
  const session = await browserSession(request, ctx);
  if (!session) {
    throw unauthorized(
      'Sign in to scm-connect, then start Create the GitHub App again in Settings > Source Code Managers; if GitHub created an app on the way, delete it in its settings on GitHub first.',
    );
  }
  return session;
}

/**
 * The browser pages of Create the GitHub App: `GET /github/manifest/start` posts the manifest to GitHub when the
 * person continues, `GET /github/manifest` is where GitHub sends them back with the code.
 */
function registerManifestPages(
  app: FastifyInstance,
  ctx: AppContext,
  deps: ManifestFlowDeps,
  install: GitHubInstallDeps,
): void {
  const stateQuery = z.object({ state: z.string().max(200).optional() });

  app.get(
    manifestHandOffPath,
    {
      schema: { hide: true },
      // Runs after the app's own onSend hook, so this page's form may go to GitHub (and nowhere else).
      onSend: (_request, reply, payload, done) => {
        const policy = reply.getHeader(formPolicyHeader);
        if (typeof policy === 'string') {
          reply.removeHeader(formPolicyHeader);
          reply.header('content-security-policy', policy);
        }
        done(null, payload);
      },
    },
    async (request, reply) => {
      try {
        const session = await signedIn(ctx, request);
        const state = stateQuery.safeParse(request.query).data?.state ?? '';
        const handOff = await manifestHandOff(deps, { state, sessionHash: session.sessionHash });
        return reply
          .header(formPolicyHeader, handOffPolicy(handOff.formTarget))
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(manifestHandOffPage(handOff));
      } catch (error) {
        return sendBrowserFailure(request, reply, error);
      }
    },
  );

  app.get(manifestCallbackPath, { schema: { hide: true } }, async (request, reply) => {
    try {
      const session = await signedIn(ctx, request);
      const nonce = request.cookies[manifestNonceCookie];
      reply.clearCookie(manifestNonceCookie, { path: manifestCallbackPath });
      const registered = await finishManifest(deps, { query: request.query, session, nonce });
      request.log.info({ appId: registered.appId, slug: registered.slug }, 'GitHub App registered');
      if (registered.accountId === null || registered.connectionId === null) {
        return reply.redirect(`/settings?github_app=created`, 303);
      }
      // A GitHub Enterprise Server connection's app: on to installing it on the owner org.
      const started = await startInstall(
        install,
        { accountId: registered.accountId, userId: session.userId, sessionHash: session.sessionHash },
        registered.connectionId,
      );
      setInstallNonceCookie(reply, ctx, request, started.nonce);
      return reply.redirect(started.url, 302);
    } catch (error) {
      return sendBrowserFailure(request, reply, error);
    }
  });
}
