import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { notFound } from '../core/errors.js';
import { listAccountsOfUser } from '../db/accounts.js';
import { createSession, deleteSession } from '../db/sessions.js';
import { findUserById } from '../db/users.js';
import { setSessionCookie } from './auth.js';
import type { AppContext } from './context.js';
import type { sessionSchema } from './schemas.js';
import type { SignInMethod } from '../db/schema.js';

export type SessionView = z.infer<typeof sessionSchema>;

/** What the UI needs about the caller: who, which accounts, which one is selected, the CSRF token. */
export async function sessionView(
  ctx: AppContext,
  userId: string,
  accountId: string | null,
  csrfToken: string,
): Promise<SessionView> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw notFound('user');
  const accounts = await listAccountsOfUser(ctx.db, userId);
  const current = accounts.find((a) => a.id === accountId)?.id ?? accounts[0]?.id ?? null;
  return {
    user: { id: user.id, email: user.email, name: user.name, instanceAdmin: user.instance_admin === 1 },
    accounts,
    currentAccountId: current,
    csrfToken,
  };
}

/**
 * Starts a fresh session (a new id on every sign-in and account switch, so a planted cookie is worthless),
 * ends the previous one, and sets the cookie.
 */
export async function startSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  accountId: string | null,
  how: { readonly method?: SignInMethod; readonly ssoProviderId?: string } = {},
): Promise<SessionView> {
  const previous = request.auth?.kind === 'session' ? request.auth.sessionIdHash : undefined;
  const accounts = await listAccountsOfUser(ctx.db, userId);
  const selected = accounts.find((a) => a.id === accountId)?.id ?? accounts[0]?.id ?? null;
  const session = await createSession(ctx.db, {
    userId,
    accountId: selected,
    hours: ctx.config.sessionHours,
    ...how,
  });
  if (previous) await deleteSession(ctx.db, previous);
  setSessionCookie(reply, ctx, session.cookie, request);
  return sessionView(ctx, userId, selected, session.csrfToken);
}

/** The public origin links are built on: the configured one, else the one the request came in on. */
export const publicOrigin = (ctx: AppContext, request: FastifyRequest): string =>
  ctx.config.publicUrl?.origin ?? `${request.protocol}://${request.host}`;
