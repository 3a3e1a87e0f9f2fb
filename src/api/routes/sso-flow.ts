import { parse as parseQueryString } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { deleteSession, revokeSessionsOfUser } from '../../db/sessions.js';
import { safeReturnPath } from '../../db/sign-in-flows.js';
import { findLoadedProvider } from '../../sso/loaded-provider.js';
import { finishOidcCallback } from '../../sso/oidc-callback.js';
import { SsoRefusal } from '../../sso/refusal.js';
import { startSso, type SsoOutcome } from '../../sso/round-trip.js';
import { samlServiceProviderMetadata } from '../../sso/saml-flow.js';
import { finishSamlLink, receiveSamlResponse } from '../../sso/saml-response.js';
import { oidcCallbackPath, samlSpUrls } from '../../sso/urls.js';
import { browserSession } from '../auth.js';
import type { AppContext } from '../context.js';
import { publicOrigin, startSession } from '../session-view.js';
import { setSignInNonceCookie, takeSignInNonce } from '../sign-in-cookie.js';

const providerParams = z.object({ providerId: z.string().min(1).max(100) });
const startQuery = z.object({
  purpose: z.enum(['sign-in', 'test', 'link']).default('sign-in'),
  return_to: z.string().max(500).optional(),
});
/** A SAMLResponse with a few certificates is some tens of kilobytes; the form is capped well above. */
const maxFormBytes = 512 * 1024;

/**
 * Single sign-on as browser pages: `/auth/sso/{id}/start`, the OpenID Connect redirect URL `/auth/oidc/callback`,
 * SAML's ACS `POST /auth/saml/{id}/acs` (a cross-site form post from the IdP: outside `/api/v1`, so neither the
 * CSRF token nor the same-origin check applies; the signed assertion and its request id are what count), the SP
 * metadata `/auth/saml/{id}/metadata` and `/auth/saml/{id}/finish` (the same-site end of linking through SAML).
 * A refused sign-in lands on `/login?error=<reason>`, a Test sign-in on `/settings/sso?test=ok|failed&reason=`.
 */
export async function registerSsoFlowRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  /** Turns an outcome into the session it starts and the page the browser lands on. */
  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: SsoOutcome,
    status: 302 | 303,
  ) => {
    switch (outcome.kind) {
      case 'refused':
        if (outcome.purpose === 'test') {
          return reply.redirect(`/settings/sso?test=failed&reason=${outcome.reason}`, status);
        }
        return reply.redirect(
          `/login?error=${outcome.reason}${outcome.purpose === 'link' ? '&return_to=/profile' : ''}`,
          status,
        );
      case 'tested':
        return reply.redirect('/settings/sso?test=ok', status);
      case 'confirm':
        return reply.redirect(outcome.path, 303);
      case 'signed-in': {
        const previous = await browserSession(request, ctx);
        if (previous) await deleteSession(ctx.db, previous.sessionHash);
        await startSession(ctx, request, reply, outcome.userId, outcome.accountId, {
          method: outcome.method,
          ssoProviderId: outcome.providerId,
        });
        return reply.redirect(outcome.returnTo ?? '/', status);
      }
      case 'linked':
        // A new sign-in method changes the person's credentials: every session of theirs ends.
        await revokeSessionsOfUser(ctx.db, outcome.userId);
        await startSession(ctx, request, reply, outcome.userId, outcome.accountId, {
          method: outcome.method,
          ssoProviderId: outcome.providerId,
        });
        return reply.redirect(`/profile?linked=${outcome.method}`, status);
    }
  };

  app.get('/auth/sso/:providerId/start', { schema: { hide: true } }, async (request, reply) => {
    const params = providerParams.safeParse(request.params);
    const query = startQuery.safeParse(request.query);
    if (!params.success || !query.success) return reply.redirect('/login?error=flow_expired', 302);
    const { purpose } = query.data;
    const session = await browserSession(request, ctx);
    if (purpose !== 'sign-in' && !session) {
      if (purpose === 'link') return reply.redirect('/login?error=reauth_required&return_to=/profile', 302);
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    }
    try {
      const redirect = await startSso(ctx, {
        providerId: params.data.providerId,
        purpose,
        returnTo: safeReturnPath(query.data.return_to),
        origin: publicOrigin(ctx, request),
        session,
        now: new Date(),
      });
      if (redirect.nonce) setSignInNonceCookie(ctx, request, reply, redirect.nonce);
      return reply.redirect(redirect.url, 302);
    } catch (error) {
      if (error instanceof SsoRefusal) {
        return reply.redirect(`/login?error=${error.reason}&return_to=/profile`, 302);
      }
      throw error;
    }
  });

  app.get(oidcCallbackPath, { schema: { hide: true } }, async (request, reply) => {
    const nonce = takeSignInNonce(request, reply);
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const state = (request.query as { state?: unknown }).state;
    const outcome = await finishOidcCallback(ctx, {
      state: typeof state === 'string' ? state : undefined,
      currentUrl: new URL(`${publicOrigin(ctx, request)}${oidcCallbackPath}${search}`),
      nonceCookie: nonce,
      browserUserId: (await browserSession(request, ctx))?.userId,
      now: new Date(),
    });
    return answer(request, reply, outcome, 302);
  });

  await app.register(async (scope) => {
    // Only the ACS takes a form body; the rest of the service keeps refusing forms.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: maxFormBytes },
      (_request, body, done) => done(null, parseQueryString(body as string)),
    );
    scope.post('/auth/saml/:providerId/acs', { schema: { hide: true } }, async (request, reply) => {
      const params = providerParams.safeParse(request.params);
      if (!params.success) return reply.redirect('/login?error=flow_expired', 303);
      const form = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
      const outcome = await receiveSamlResponse(ctx, {
        providerId: params.data.providerId,
        form: { SAMLResponse: field('SAMLResponse'), RelayState: field('RelayState') },
        origin: publicOrigin(ctx, request),
        now: new Date(),
      });
      return answer(request, reply, outcome, 303);
    });
  });

  app.get('/auth/saml/:providerId/finish', { schema: { hide: true } }, async (request, reply) => {
    const params = providerParams.safeParse(request.params);
    if (!params.success) return reply.redirect('/login?error=flow_expired', 302);
    const ticket = (request.query as { ticket?: unknown }).ticket;
    const outcome = await finishSamlLink(ctx, {
      providerId: params.data.providerId,
      ticket: typeof ticket === 'string' ? ticket : undefined,
      userId: (await browserSession(request, ctx))?.userId,
      now: new Date(),
    });
    return answer(request, reply, outcome, 302);
  });

  app.get('/auth/saml/:providerId/metadata', { schema: { hide: true } }, async (request, reply) => {
    const params = providerParams.safeParse(request.params);
    const provider = params.success ? await findLoadedProvider(ctx, params.data.providerId) : undefined;
    if (provider?.protocol !== 'saml') throw notFound('SAML provider');
    const xml = samlServiceProviderMetadata(
      provider.settings,
      samlSpUrls(publicOrigin(ctx, request), provider.row.id),
    );
    return reply.type('application/samlmetadata+xml; charset=utf-8').send(xml);
  });
}
