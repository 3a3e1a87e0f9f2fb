import { z } from 'zod';
import { createAccount, findAccountName, listAccountsOfUser, renameAccount } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, accountSchema, errors, fields } from '../schemas.js';

export function registerAccountRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts',
    {
      // A scan-upload token reads its own account here (the CLI finds the account id this way).
      config: { scanUpload: true },
      schema: {
        tags: ['accounts'],
        summary: 'The accounts you belong to',
        response: { 200: z.object({ items: z.array(accountSchema) }), ...errors(401) },
      },
    },
    async (request) => {
      const auth = request.auth!;
      if (auth.kind === 'token') {
        const name = await findAccountName(ctx.db, auth.accountId);
        return { items: name === undefined ? [] : [{ id: auth.accountId, name, role: auth.role }] };
      }
      return { items: await listAccountsOfUser(ctx.db, auth.userId) };
    },
  );

  app.post(
    '/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; you become its admin',
        body: z.strictObject({ name: fields.displayName() }),
        response: { 201: accountSchema, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const auth = requireUser(request);
      const account = await ctx.db.transaction().execute(async (tx) => {
        const created = await createAccount(tx, request.body.name, auth.userId);
        await recordAudit(tx, { accountId: created.id, actorUserId: auth.userId, action: 'account.created' });
        return created;
      });
      return reply.status(201).send(account);
    },
  );

  app.patch(
    '/accounts/:accountId',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Rename an account (admin)',
        params: accountParams,
        body: z.strictObject({ name: fields.displayName() }),
        response: { 200: accountSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      const role = await requireAccount(request, ctx, accountId, 'admin');
      await renameAccount(ctx.db, accountId, request.body.name);
      await recordAudit(ctx.db, { accountId, actorUserId: actorOf(request.auth), action: 'account.renamed' });
      return { id: accountId, name: request.body.name, role };
    },
  );
}
