import { z } from 'zod';
import { badRequest, notFound } from '../../core/errors.js';
import { isStorableText } from '../../core/fields.js';
import { repositoryTag, repositoryTags } from '../../core/repository-tags.js';
import { recordAudit } from '../../db/audit.js';
import {
  findRepository,
  listOrganizations,
  listRepositories,
  type RepositoryListItem,
} from '../../db/inventory.js';
import { updateRepositorySettings } from '../../db/repository-settings.js';
import { repositoryCommentSwitches, setRepositoryComments } from '../../db/comment-settings.js';
import { lastScansOf, openFindingsOf } from '../../db/repository-status.js';
import type { Db } from '../../db/database.js';
import type { ZodApp } from '../app.js';
import { actorOf, requireAccount } from '../auth.js';
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
  excluded: z.boolean().describe('An admin excluded it from scanning: its uploads are refused'),
  tags: z.array(z.string()).describe('Lower-case tags an admin gave it'),
  commentsEnabled: z
    .boolean()
    .describe('Pull request comments go to it (when its connection has them on too); default true'),
  lastScan: z
    .object({
      id: z.string(),
      status: z.enum(['queued', 'processing', 'processed', 'failed']),
      commitSha: z.string(),
      branch: z.string().nullable(),
      createdAt: z.string(),
    })
    .nullable()
    .describe('The latest upload for it; null when none'),
  openFindings: z
    .object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number(), info: z.number() })
    .describe('Open findings not ignored, by severity, over its branches'),
});

type RepositoryView = z.infer<typeof repositorySchema>;

/** Adds each repository's latest scan, open findings and comment switch (three queries for the page). */
async function withScanStatus(
  db: Db,
  accountId: string,
  items: readonly RepositoryListItem[],
): Promise<RepositoryView[]> {
  const ids = items.map((item) => item.id);
  const [lastScans, openFindings, comments] = await Promise.all([
    lastScansOf(db, accountId, ids),
    openFindingsOf(db, accountId, ids),
    repositoryCommentSwitches(db, accountId, ids),
  ]);
  return items.map((item) => ({
    ...item,
    commentsEnabled: comments.get(item.id) ?? true,
    lastScan: lastScans.get(item.id) ?? null,
    openFindings: openFindings.get(item.id) ?? { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
  }));
}

/** `?tag=a&tag=b` or `?tag=a`: every tag given must be on the repository. */
const tagFilter = z
  .union([repositoryTag, z.array(repositoryTag).max(20, 'must be at most 20 tags')])
  .transform((tags) => (Array.isArray(tags) ? tags : [tags]));

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
          excluded: z.enum(['true', 'false']).optional().describe('Excluded from scanning, or not'),
          tag: tagFilter.optional().describe('Repeat to ask for repositories with every one of the tags'),
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
        excluded: query.excluded === undefined ? undefined : query.excluded === 'true',
        tags: query.tag,
        limit: query.limit,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      });
      const last = items.at(-1);
      return {
        items: await withScanStatus(ctx.db, accountId, items),
        total,
        nextCursor: items.length === query.limit && last ? encodeCursor(last) : null,
      };
    },
  );

  app.patch(
    '/accounts/:accountId/repositories/:repositoryId',
    {
      schema: {
        tags: ['inventory'],
        summary:
          'Exclude a repository from scanning or include it again, set its tags, switch its pull request comments (admin)',
        description:
          'Tags: at most 20, each 1 to 50 letters, digits or `- _ . : /`, stored lower-case without duplicates; ' +
          '`tags` replaces them all. An excluded repository keeps its findings; its new uploads are refused.',
        params: z.strictObject({ accountId: fields.uuid, repositoryId: fields.uuid }),
        body: z
          .strictObject({
            excluded: z.boolean().optional(),
            tags: repositoryTags.optional(),
            commentsEnabled: z.boolean().optional().describe('false: no comments on its pull requests'),
          })
          .refine(
            (body) =>
              body.excluded !== undefined || body.tags !== undefined || body.commentsEnabled !== undefined,
            { message: 'send at least one of excluded, tags and commentsEnabled' },
          ),
        response: { 200: repositorySchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, repositoryId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const { excluded, tags, commentsEnabled } = request.body;
      const updated = await ctx.db.transaction().execute(async (tx) => {
        if (!(await updateRepositorySettings(tx, accountId, repositoryId, { excluded, tags }))) return false;
        if (commentsEnabled !== undefined)
          await setRepositoryComments(tx, accountId, repositoryId, commentsEnabled);
        await recordAudit(tx, {
          accountId,
          actorUserId: actorOf(request.auth),
          action: 'repository.updated',
          target: repositoryId,
          details: {
            ...(excluded === undefined ? {} : { excluded }),
            ...(tags === undefined ? {} : { tags }),
            ...(commentsEnabled === undefined ? {} : { commentsEnabled }),
          },
        });
        return true;
      });
      const repository = updated ? await findRepository(ctx.db, accountId, repositoryId) : undefined;
      if (!repository) throw notFound('repository');
      return (await withScanStatus(ctx.db, accountId, [repository]))[0]!;
    },
  );
}
