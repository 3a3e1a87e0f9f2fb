import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens.js';
import { recordAudit } from '../../db/audit.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount, requireUser } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, apiTokenSchema, errors, fields } from '../schemas.js';

export function registerTokenRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/tokens',
    {
      schema: {
        tags: ['api tokens'],
        summary: 'API tokens of the account (admin); secrets are never listed',
        params: accountParams,
        response: { 200: z.object({ items: z.array(apiTokenSchema) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId, 'admin');
      return { items: await listApiTokens(ctx.db, request.params.accountId) };
    },
  );

  app.post(
    '/accounts/:accountId/tokens',
    {
      schema: {
        tags: ['api tokens'],
        summary: 'Create an API token for CI and scripts (admin); the secret is returned once',
        params: accountParams,
        body: z.strictObject({ name: fields.displayName(), role: fields.tokenRole.default('member') }),
        response: {
          201: z.object({ token: apiTokenSchema, secret: z.string() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const auth = requireUser(request);
      const created = await createApiToken(ctx.db, {
        accountId,
        name: request.body.name,
        role: request.body.role,
        createdBy: auth.userId,
      });
      await recordAudit(ctx.db, {
        accountId,
        actorUserId: auth.userId,
        action: 'api_token.created',
        target: created.token.id,
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/accounts/:accountId/tokens/:tokenId',
    {
      schema: {
        tags: ['api tokens'],
        summary: 'Revoke an API token (admin)',
        params: z.strictObject({ accountId: fields.uuid, tokenId: fields.uuid }),
        response: { 204: z.null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { accountId, tokenId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      if (!(await revokeApiToken(ctx.db, accountId, tokenId))) throw notFound('API token');
      await recordAudit(ctx.db, {
        accountId,
        actorUserId: actorOf(request.auth),
        action: 'api_token.revoked',
        target: tokenId,
      });
      return reply.status(204).send(null);
    },
  );
}
