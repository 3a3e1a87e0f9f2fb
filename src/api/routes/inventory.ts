import { z } from 'zod';
import { badRequest } from '../../core/errors.js';
import { isStorableText } from '../../core/fields.js';
import { listOrganizations, listRepositories } from '../../db/inventory.js';
import type { ZodApp } from '../app.js';
import { requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';

const repositorySchema = z.object({
  id: z.string(),
  connectionId: z.string(),
  organizationId: z.string(),
  name: z.string(),
  fullName: z.string(),
  defaultBranch: z.string().nullable(),
  visibility: z.enum(['public', 'private', 'internal']),
  archived: z.boolean(),
  webUrl: z.string(),
  syncedAt: z.string(),
});

const encodeCursor = (item: { fullName: string; id: string }) =>
  Buffer.from(JSON.stringify([item.fullName, item.id])).toString('base64url');

function decodeCursor(cursor: string): { fullName: string; id: string } {
  try {
    const [fullName, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof fullName === 'string' && typeof id === 'string' && isStorableText(fullName + id))
      return { fullName, id };
  } catch {
    // answered below
  }
  throw badRequest('invalid_cursor', 'query.cursor: use the nextCursor of the previous page.');
}

/** Source code organizations and the Projects page: repositories of every connection of the account. */
export function registerInventoryRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/organizations',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Source code organizations of every connection',
        params: accountParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                connectionId: z.string(),
                kind: z.string(),
                name: z.string(),
                webUrl: z.string(),
                repositoryCount: z.number(),
              }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      await requireAccount(request, ctx, request.params.accountId);
      return { items: await listOrganizations(ctx.db, request.params.accountId) };
    },
  );

  app.get(
    '/accounts/:accountId/repositories',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Repositories (projects) of every connection, with filters',
        description: 'Ordered by full name, case-insensitively; `nextCursor` continues the same order.',
        params: accountParams,
        querystring: z.strictObject({
          connectionId: fields.uuid.optional(),
          q: z.string().max(200).optional().describe('Part of the full name'),
          archived: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(2000).optional(),
        }),
        response: {
          200: z.object({
            items: z.array(repositorySchema),
            nextCursor: z.string().nullable(),
            total: z.number(),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const query = request.query;
      const { items, total } = await listRepositories(ctx.db, accountId, {
        connectionId: query.connectionId,
        q: query.q,
        archived: query.archived === undefined ? undefined : query.archived === 'true',
        limit: query.limit,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      });
      const last = items.at(-1);
      return { items, total, nextCursor: items.length === query.limit && last ? encodeCursor(last) : null };
    },
  );
}
