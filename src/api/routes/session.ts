import { z } from 'zod';
import { AppError, notFound, unauthorized } from '../../core/errors.js';
import { decoyPasswordHash, verifyPassword } from '../../core/password.js';
import { listAccountsOfUser } from '../../db/accounts.js';
import { clearRateLimit, hit } from '../../db/rate-limits.js';
import { deleteSession } from '../../db/sessions.js';
import { accountsRequiringSso } from '../../db/sso-providers.js';
import { findUserByEmail } from '../../db/users.js';
import type { ZodApp } from '../app.js';
import { clearSessionCookie, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields, sessionSchema } from '../schemas.js';
import { sessionView, startSession } from '../session-view.js';

const attemptsPerEmail = 10;
const attemptsPerAddress = 50;
const windowSeconds = 15 * 60;

export function registerSessionRoutes(app: ZodApp, ctx: AppContext): void {
  // Checked when the email is unknown, so that answer takes as long as a wrong password.
  const decoy = decoyPasswordHash();
  decoy.catch(() => undefined);

  app.get(
    '/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'The signed-in person, their accounts and the CSRF token',
        response: { 200: sessionSchema, ...errors(401) },
      },
    },
    async (request) => {
      if (request.auth?.kind !== 'session') throw unauthorized();
      return sessionView(ctx, request.auth.userId, request.auth.accountId, request.auth.csrfToken);
    },
  );

  app.post(
    '/session',
    {
      config: { public: true, csrfExempt: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in with email and password',
        body: z.strictObject({ email: fields.email, password: z.string().min(1).max(1024) }),
        response: { 200: sessionSchema, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const wait = Math.max(
        await hit(ctx.db, `sign-in:email:${email}`, attemptsPerEmail, windowSeconds),
        await hit(ctx.db, `sign-in:ip:${request.ip}`, attemptsPerAddress, windowSeconds),
      );
      if (wait > 0) {
        reply.header('retry-after', wait);
        throw new AppError(
          429,
          'too_many_attempts',
          `Too many sign-in attempts; try again in ${Math.ceil(wait / 60)} minutes.`,
        );
      }
      const user = await findUserByEmail(ctx.db, email);
      const valid = await verifyPassword(password, user?.password_hash ?? (await decoy));
      if (!user || !valid)
        throw new AppError(401, 'invalid_credentials', 'The email or password is not right.');
      await clearRateLimit(ctx.db, `sign-in:email:${email}`);
      const accounts = await listAccountsOfUser(ctx.db, user.id);
      // A password session is refused in accounts that require single sign-on (but for their break-glass admin).
      const ssoOnly = await accountsRequiringSso(ctx.db, user.id);
      const open = accounts.filter((account) => !ssoOnly.has(account.id));
      if (accounts.length > 0 && open.length === 0) {
        throw new AppError(
          403,
          'sso_required',
          'Your account requires single sign-on: sign in with SSO, using your work email.',
        );
      }
      return startSession(ctx, request, reply, user.id, open[0]?.id ?? null);
    },
  );

  app.delete(
    '/session',
    { schema: { tags: ['session'], summary: 'Sign out', response: { 204: z.null(), ...errors(401, 403) } } },
    async (request, reply) => {
      const auth = requireUser(request);
      await deleteSession(ctx.db, auth.sessionIdHash);
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/session/account',
    {
      schema: {
        tags: ['session'],
        summary: 'Switch to another of your accounts (starts a new session)',
        body: z.strictObject({ accountId: fields.uuid }),
        response: { 200: sessionSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      if (!(await ctx.queries.findRole(request.body.accountId, auth.userId))) throw notFound('account');
      return startSession(ctx, request, reply, auth.userId, request.body.accountId);
    },
  );
}
