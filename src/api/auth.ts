import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden, notFound, unauthorized } from '../core/errors.js';
import { apiTokenPrefix, findApiToken } from '../db/api-tokens.js';
import { sessionRefusedBySsoPolicy } from '../db/sso-providers.js';
import { hashToken, nowIso } from '../core/tokens.js';
import type { AppContext, Auth, Role } from './context.js';

export const sessionCookie = 'scm_session';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller (session cookie or `Authorization: Bearer scmc_…`) on every API request and enforces
 * the CSRF defence on state-changing ones: Fetch Metadata and Origin must be same-origin, and a
 * cookie-authenticated request must carry the session's token in `x-csrf-token`.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/v1/')) return;
    if (stateChanging.has(request.method)) checkOrigin(request, ctx);
    request.auth = await resolveCaller(request, ctx);
    const config = request.routeOptions.config;
    if (!request.auth && !config.public) throw unauthorized();
    if (request.auth?.kind === 'token' && request.auth.role === 'scan-upload' && !config.scanUpload) {
      throw forbidden(
        'This API token has the scan-upload role: it may only upload scans (POST …/scans) and read them back; use a member or admin token for anything else.',
      );
    }
    if (
      request.auth?.kind === 'session' &&
      stateChanging.has(request.method) &&
      !config.csrfExempt &&
      request.headers['x-csrf-token'] !== request.auth.csrfToken
    ) {
      throw new AppError(
        403,
        'csrf_failed',
        'The request lacks a valid CSRF token; reload the page and try again.',
      );
    }
  });
}

async function resolveCaller(request: FastifyRequest, ctx: AppContext): Promise<Auth | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer (\S+)$/.exec(header);
    if (!match?.[1]?.startsWith(apiTokenPrefix)) {
      throw unauthorized(
        'The Authorization header must be `Bearer scmc_…` with an API token of scm-connect.',
      );
    }
    const token = await findApiToken(ctx.db, match[1]);
    if (!token) throw unauthorized('The API token is not valid; it may have been revoked.');
    return { kind: 'token', tokenId: token.id, accountId: token.accountId, role: token.role };
  }
  const cookie = request.cookies[sessionCookie];
  if (!cookie) return null;
  const accountId = requestedAccount(request);
  const session = await ctx.queries.findSession(hashToken(cookie), accountId, nowIso());
  if (!session) return null;
  return {
    kind: 'session',
    userId: session.userId,
    sessionIdHash: session.idHash,
    accountId: session.accountId,
    csrfToken: session.csrfToken,
    method: session.method,
    ssoProviderId: session.ssoProviderId,
    ...(accountId
      ? {
          roleIn: {
            accountId,
            role: session.roleInRequestedAccount,
            ssoRequired: session.ssoRequiredInRequestedAccount,
          },
        }
      : {}),
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account an account-scoped route names, so the session and the role are read in one query. */
function requestedAccount(request: FastifyRequest): string | null {
  const id = (request.params as { accountId?: unknown } | undefined)?.accountId;
  return typeof id === 'string' && uuidPattern.test(id) ? id : null;
}

function checkOrigin(request: FastifyRequest, ctx: AppContext): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError(403, 'csrf_failed', 'Cross-site requests are not accepted.');
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const allowed = new Set<string>([`${request.protocol}://${request.host}`]);
  if (ctx.config.publicUrl) allowed.add(ctx.config.publicUrl.origin);
  if (!allowed.has(origin)) throw new AppError(403, 'csrf_failed', 'Cross-origin requests are not accepted.');
}

/** The signed-in person behind a session; API tokens act for an account, not a person. */
export function requireUser(request: FastifyRequest): Extract<Auth, { kind: 'session' }> {
  const auth = request.auth;
  if (auth?.kind !== 'session') {
    throw auth ? forbidden('This needs a signed-in person, not an API token.') : unauthorized();
  }
  return auth;
}

/**
 * The caller's role in `accountId`. Anyone who is not a member gets the same 404 as for an account that does
 * not exist, so ids of other tenants reveal nothing; a member lacking the role gets 403.
 */
export async function requireAccount(
  request: FastifyRequest,
  ctx: AppContext,
  accountId: string,
  needed: Role = 'member',
): Promise<Role> {
  const auth = request.auth;
  let role: Role | undefined;
  if (auth?.kind === 'token') {
    if (auth.accountId !== accountId) throw notFound('account');
    if (auth.role === 'scan-upload') throw forbidden('This API token may only upload scans.');
    role = auth.role;
  } else if (auth?.kind === 'session') {
    const known = auth.roleIn?.accountId === accountId ? auth.roleIn : undefined;
    role = known ? (known.role ?? undefined) : await ctx.queries.findRole(accountId, auth.userId);
    if (
      role &&
      (known
        ? known.ssoRequired
        : await sessionRefusedBySsoPolicy(ctx.db, {
            accountId,
            userId: auth.userId,
            method: auth.method,
            ssoProviderId: auth.ssoProviderId,
          }))
    ) {
      throw ssoRequired();
    }
  }
  if (!role) throw notFound('account');
  if (needed === 'admin' && role !== 'admin') throw forbidden('Only an admin of this account can do this.');
  return role;
}

const ssoRequired = () =>
  new AppError(
    403,
    'sso_required',
    'This account requires single sign-on: sign out, then sign in with SSO (your work email on the sign-in page).',
  );

/**
 * Whoever may upload a scan to `accountId`: a member or admin of it, or an API token of it, the `scan-upload`
 * role included. Another account's caller gets the same 404 as for an account that does not exist.
 */
export async function requireUploader(
  request: FastifyRequest,
  ctx: AppContext,
  accountId: string,
): Promise<void> {
  const auth = request.auth;
  if (auth?.kind === 'token' && auth.accountId === accountId && auth.role === 'scan-upload') return;
  await requireAccount(request, ctx, accountId);
}

export function setSessionCookie(
  reply: FastifyReply,
  ctx: AppContext,
  value: string,
  request: FastifyRequest,
): void {
  const secure = ctx.config.publicUrl
    ? ctx.config.publicUrl.protocol === 'https:'
    : request.protocol === 'https';
  reply.setCookie(sessionCookie, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: Math.round(ctx.config.sessionHours * 3600),
  });
}

/**
 * The signed-in person of a browser page outside `/api/v1` (GitHub's redirects back), where callers are not
 * resolved on every request: their session, or undefined.
 */
export async function browserSession(
  request: FastifyRequest,
  ctx: AppContext,
): Promise<{ readonly userId: string; readonly sessionHash: string } | undefined> {
  const cookie = request.cookies[sessionCookie];
  const session = cookie ? await ctx.queries.findSession(hashToken(cookie), null, nowIso()) : undefined;
  return session && { userId: session.userId, sessionHash: session.idHash };
}

export const clearSessionCookie = (reply: FastifyReply) => reply.clearCookie(sessionCookie, { path: '/' });

/** The person to name in the audit log; API tokens act for the account. */
export const actorOf = (auth: Auth | null): string | null => (auth?.kind === 'session' ? auth.userId : null);
