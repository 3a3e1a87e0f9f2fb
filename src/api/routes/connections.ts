import { z } from 'zod';
import { scmKindIds } from '../../core/scm-kinds.js';
import { listConnections } from '../../db/connections.js';
import type { ZodApp } from '../app.js';
import { requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors } from '../schemas.js';

export const connectionSchema = z.object({
  id: z.string(),
  kind: z.enum(scmKindIds),
  name: z.string(),
  baseUrl: z.string(),
  target: z.string().describe('Organization, group, workspace or project key'),
  status: z.enum(['connected', 'pending', 'error']),
  hasToken: z.boolean().describe('Whether a token is stored; the token itself never leaves the server.'),
  tokenUpdatedAt: z.string().nullable(),
  createdAt: z.string(),
  lastTest: z.unknown(),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), webUrl: z.string() })),
});

export function registerConnectionRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/connections',
    {
      schema: {
        tags: ['connections'],
        summary: 'Source code managers connected to the account',
        params: accountParams,
        response: { 200: z.object({ items: z.array(connectionSchema) }), ...errors(401, 404) },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId);
      const items = await listConnections(ctx.db, request.params.accountId);
      return { items: items.map((c) => ({ ...c, kind: c.kind as (typeof scmKindIds)[number], organizations: [...c.organizations] })) };
    },
  );
}
