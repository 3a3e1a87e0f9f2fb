import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/tokens.js';
import { recordAudit } from '../../db/audit.js';
import { findConnectionRow } from '../../db/connections.js';
import { pendingInstallRequests, setAllowOtherAccounts } from '../../db/github-installations.js';
import { revokeSessionsOfUser } from '../../db/sessions.js';
import type { GitHubInstallDeps } from '../../connections/github/install-deps.js';
import {
  installNonceCookie,
  startAuthorize,
  startInstall,
  type FlowRedirect,
} from '../../connections/github/install-flow.js';
import { enterpriseSetupPath, setupPath } from '../../github-apps/paths.js';
import { finishSetup, parseSetupQuery } from '../../connections/github/setup-callback.js';
import { integerIdPattern } from '../../scm/github/app-credentials.js';
import type { ZodApp } from '../app.js';
import { actorOf, browserSession, clearSessionCookie, requireAccount, requireUser } from '../auth.js';
import { sendBrowserFailure } from '../browser-page.js';
import type { AppContext } from '../context.js';
import { errors, fields } from '../schemas.js';
import { publicOrigin } from '../session-view.js';

const redirectSchema = z.object({ url: z.string() });

/** The nonce cookie of an install or authorize flow, sent back only to the setup paths. */
export function setInstallNonceCookie(
  reply: FastifyReply,
  ctx: AppContext,
  request: FastifyRequest,
  nonce: string,
) {
  const secure = ctx.config.publicUrl
    ? ctx.config.publicUrl.protocol === 'https:'
    : request.protocol === 'https';
  reply.setCookie(installNonceCookie, nonce, {
    httpOnly: true,
    // Lax: sent on GitHub's top-level redirect back to the setup URL, not on cross-site subrequests.
    sameSite: 'lax',
    secure,
    path: setupPath,
    maxAge: 10 * 60,
  });
}

const redirectUriOf = (ctx: AppContext, request: FastifyRequest) =>
  `${publicOrigin(ctx, request)}${setupPath}`;

/** `Connect to GitHub` and the confirmation of an installation reached from GitHub directly. */
export function registerGitHubInstallRoutes(zapp: ZodApp, ctx: AppContext, deps: GitHubInstallDeps): void {
  const params = z.object({ accountId: fields.uuid });
  const answer = (request: FastifyRequest, reply: FastifyReply, redirect: FlowRedirect) => {
    setInstallNonceCookie(reply, ctx, request, redirect.nonce);
    return { url: redirect.url };
  };

  zapp.post(
    '/accounts/:accountId/github/install',
    {
      schema: {
        tags: ['github'],
        summary: 'Start Connect to GitHub: the address of the app’s install page, with a single-use state',
        params,
        response: { 200: redirectSchema, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      await requireAccount(request, ctx, request.params.accountId, 'admin');
      const owner = {
        accountId: request.params.accountId,
        userId: auth.userId,
        sessionHash: auth.sessionIdHash,
      };
      return answer(request, reply, await startInstall(deps, owner));
    },
  );

  zapp.post(
    '/accounts/:accountId/connections/:connectionId/github-enterprise/install',
    {
      schema: {
        tags: ['github'],
        summary:
          'Install a GitHub Enterprise Server connection’s app (on its owner org, or another): the install page, with a single-use state',
        params: z.strictObject({ accountId: fields.uuid, connectionId: fields.uuid }),
        response: { 200: redirectSchema, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const row = await findConnectionRow(ctx.db, accountId, connectionId);
      if (row?.kind !== 'github-enterprise') throw notFound('GitHub Enterprise Server connection');
      const owner = { accountId, userId: auth.userId, sessionHash: auth.sessionIdHash };
      return answer(request, reply, await startInstall(deps, owner, connectionId));
    },
  );

  zapp.get(
    '/accounts/:accountId/github/requests',
    {
      schema: {
        tags: ['github'],
        summary: 'Installations members of the account asked an organization owner to approve, still waiting',
        params,
        response: {
          200: z.object({ items: z.array(z.object({ login: z.string(), createdAt: z.string() })) }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId);
      const rows = await pendingInstallRequests(ctx.db, request.params.accountId, nowIso());
      return { items: rows.map((row) => ({ login: row.github_login, createdAt: row.created_at })) };
    },
  );

  zapp.put(
    '/accounts/:accountId/connections/:connectionId/github/sharing',
    {
      schema: {
        tags: ['github'],
        summary: 'Whether other scm-connect accounts may link this GitHub installation too',
        description:
          'Off by default: an installation linked here is refused to other accounts (409). On, an admin of another ' +
          'account may link it after proving, through GitHub, that they own its organization.',
        params: z.strictObject({ accountId: fields.uuid, connectionId: fields.uuid }),
        body: z.strictObject({ allowOtherAccounts: z.boolean() }),
        response: { 200: z.object({ allowOtherAccounts: z.boolean() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, connectionId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const allow = request.body.allowOtherAccounts;
      const changed = await ctx.db.transaction().execute(async (tx) => {
        if (!(await setAllowOtherAccounts(tx, accountId, connectionId, allow, nowIso()))) return false;
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'github.sharing_changed',
          target: connectionId,
          details: { allowOtherAccounts: allow },
        });
        return true;
      });
      if (!changed) throw notFound('GitHub connection');
      return { allowOtherAccounts: allow };
    },
  );

  zapp.post(
    '/accounts/:accountId/github/confirm',
    {
      schema: {
        tags: ['github'],
        summary:
          'Confirm linking an installation reached from GitHub: the address of GitHub’s authorize page',
        params,
        body: z.strictObject({
          installationId: z.string().regex(integerIdPattern, 'must be a GitHub installation id'),
          setupAction: z.enum(['install', 'update']).default('install'),
        }),
        response: { 200: redirectSchema, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      await requireAccount(request, ctx, request.params.accountId, 'admin');
      const owner = {
        accountId: request.params.accountId,
        userId: auth.userId,
        sessionHash: auth.sessionIdHash,
      };
      const redirect = await startAuthorize(deps, owner, request.body, redirectUriOf(ctx, request));
      return answer(request, reply, redirect);
    },
  );
}

/**
 * `GET /github/setup` (the instance's app) and `GET /github/setup/{connectionId}` (a GitHub Enterprise Server
 * connection's app): where GitHub sends the person after an install, an update, a request or an authorize. A
 * browser page, not an API call: it answers with redirects, or with a page that says what went wrong.
 */
export function registerGitHubSetupRoute(
  app: FastifyInstance,
  ctx: AppContext,
  deps: GitHubInstallDeps,
): void {
  const enterprise = z.object({ connectionId: fields.uuid });
  const handle = async (request: FastifyRequest, reply: FastifyReply, connectionId?: string) => {
    const path = connectionId ? enterpriseSetupPath(connectionId) : setupPath;
    try {
      const query = parseSetupQuery(request.query);
      const session = await browserSession(request, ctx);
      if (!session) {
        const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        return reply.redirect(`/login?next=${encodeURIComponent(`${path}${search}`)}`, 303);
      }
      const outcome = await finishSetup(deps, {
        query,
        session,
        nonce: request.cookies[installNonceCookie],
        redirectUri: `${publicOrigin(ctx, request)}${path}`,
        ...(connectionId ? { connectionId } : {}),
      });
      reply.clearCookie(installNonceCookie, { path: setupPath });
      switch (outcome.kind) {
        case 'authorize':
          setInstallNonceCookie(reply, ctx, request, outcome.redirect.nonce);
          return reply.redirect(outcome.redirect.url, 302);
        case 'confirm': {
          const target = new URLSearchParams({
            installation_id: outcome.installationId,
            setup_action: outcome.setupAction,
          });
          return reply.redirect(`/github/confirm?${target.toString()}`, 303);
        }
        case 'requested':
          return reply.redirect('/settings?github=requested', 303);
        case 'received':
          return reply.redirect('/settings?github=installed', 303);
        case 'linked':
          if (!outcome.created)
            return reply.redirect(`/settings?github=${connectionId ? 'linked' : 'updated'}`, 303);
          // Linking changed what the person's credentials reach: every session of theirs ends.
          await revokeSessionsOfUser(ctx.db, session.userId);
          clearSessionCookie(reply);
          return reply.redirect('/login?reason=github-linked', 303);
      }
    } catch (error) {
      return sendBrowserFailure(request, reply, error);
    }
  };
  app.get(setupPath, { schema: { hide: true } }, (request, reply) => handle(request, reply));
  app.get(`${setupPath}/:connectionId`, { schema: { hide: true } }, (request, reply) => {
    const params = enterprise.safeParse(request.params);
    if (!params.success) {
      return sendBrowserFailure(request, reply, notFound('GitHub Enterprise Server connection'));
    }
    return handle(request, reply, params.data.connectionId);
  });
}
