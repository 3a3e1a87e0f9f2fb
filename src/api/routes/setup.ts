import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { hashPassword } from '../../core/password.js';
import { hashToken } from '../../core/tokens.js';
import { createAccount } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import { getSetting, takeSetting } from '../../db/instance-settings.js';
import { countUsers, createUser } from '../../db/users.js';
import type { ZodApp } from '../app.js';
import type { AppContext } from '../context.js';
import { errors, fields, sessionSchema } from '../schemas.js';
import { startSession } from '../session-view.js';

export const setupTokenKey = 'setup_token_hash';

/** First run: the one-time link printed on the console creates the first admin and nobody else can. */
export function registerSetupRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/setup',
    {
      config: { public: true },
      schema: {
        tags: ['setup'],
        summary: 'Whether the instance still needs its first admin',
        response: { 200: z.object({ needed: z.boolean() }) },
      },
    },
    async () => ({ needed: (await countUsers(ctx.db)) === 0 }),
  );

  app.post(
    '/setup',
    {
      config: { public: true, csrfExempt: true },
      schema: {
        tags: ['setup'],
        summary: 'Create the first admin and account with the one-time set-up token',
        body: z.strictObject({
          token: z.string().min(1).max(200),
          email: fields.email,
          name: fields.displayName(),
          password: fields.password,
          accountName: fields.displayName(),
        }),
        response: { 201: sessionSchema, ...errors(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const stored = await getSetting(ctx.db, setupTokenKey);
      const offered = hashToken(body.token);
      if (!stored || stored !== offered) {
        if ((await countUsers(ctx.db)) > 0)
          throw new AppError(409, 'already_set_up', 'This instance is set up already; sign in.');
        throw new AppError(
          403,
          'invalid_setup_token',
          'The set-up link is not valid; use the newest link printed on the console.',
        );
      }
      const passwordHash = await hashPassword(body.password);
      const created = await ctx.db.transaction().execute(async (tx) => {
        if (!(await takeSetting(tx, setupTokenKey, offered)) || (await countUsers(tx)) > 0) return undefined;
        // The person who sets the instance up may also create its GitHub App.
        const user = await createUser(tx, {
          email: body.email,
          name: body.name,
          passwordHash,
          instanceAdmin: true,
        });
        const account = await createAccount(tx, body.accountName, user.id);
        await recordAudit(tx, { accountId: account.id, actorUserId: user.id, action: 'instance.set_up' });
        return { user, account };
      });
      if (!created) throw new AppError(409, 'already_set_up', 'This instance is set up already; sign in.');
      const view = await startSession(ctx, request, reply, created.user.id, created.account.id);
      return reply.status(201).send(view);
    },
  );
}
