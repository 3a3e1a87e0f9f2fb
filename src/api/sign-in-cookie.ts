import type { FastifyReply, FastifyRequest } from 'fastify';
import { signInFlowLifetimeMs, signInNonceCookie } from '../db/sign-in-flows.js';
import type { AppContext } from './context.js';

/** Binds a sign-in flow to this browser: sets the flow's nonce with the redirect to the SCM or identity provider. */
export function setSignInNonceCookie(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  nonce: string,
): void {
  reply.setCookie(signInNonceCookie, nonce, {
    httpOnly: true,
    // Lax: sent on the provider's top-level redirect back, not on cross-site subrequests.
    sameSite: 'lax',
    secure: ctx.config.publicUrl ? ctx.config.publicUrl.protocol === 'https:' : request.protocol === 'https',
    path: '/',
    maxAge: signInFlowLifetimeMs / 1000,
  });
}

/** The nonce the browser came back with (undefined when it sent none); the cookie is cleared, as a flow is used once. */
export function takeSignInNonce(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const nonce = request.cookies[signInNonceCookie];
  reply.clearCookie(signInNonceCookie, { path: '/' });
  return nonce;
}
