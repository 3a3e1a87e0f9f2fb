import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { findScan, listScans } from '../../db/scans.js';
import type { ZodApp } from '../app.js';
import { requireAccount, requireUploader } from '../auth.js';
import type { AppContext } from '../context.js';
import { scanViewSchema, toScanView } from '../scan-view.js';
import { accountParams, errors, fields } from '../schemas.js';
import { publicOrigin } from '../session-view.js';
import { registerScanUploadRoute } from './scan-upload.js';

/** Findings intake: uploading scans (its own scope, for the raw body), reading one back, listing them. */
export function registerScanRoutes(app: ZodApp, ctx: AppContext): void {
  void app.register(async (scope) => registerScanUploadRoute(scope, ctx));

  app.get(
    '/accounts/:accountId/scans/:scanId',
    {
      config: { scanUpload: true },
      schema: {
        tags: ['scans'],
        summary: 'A scan: its status, runs and, once processed, its summary (members and scan-upload tokens)',
        params: z.strictObject({ accountId: fields.uuid, scanId: fields.uuid }),
        response: { 200: scanViewSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { accountId, scanId } = request.params;
      await requireUploader(request, ctx, accountId);
      const scan = await findScan(ctx.db, accountId, scanId);
      if (!scan) throw notFound('scan');
      return toScanView(scan, publicOrigin(ctx, request));
    },
  );

  app.get(
    '/accounts/:accountId/scans',
    {
      schema: {
        tags: ['scans'],
        summary: 'Scans of the account, newest first, with cursor pagination',
        params: accountParams,
        querystring: z.strictObject({
          repositoryId: fields.uuid.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page'),
        }),
        response: {
          200: z.object({ items: z.array(scanViewSchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const { repositoryId, limit, cursor } = request.query;
      const page = await listScans(ctx.db, accountId, { repositoryId, limit, cursor });
      const origin = publicOrigin(ctx, request);
      return { items: page.items.map((scan) => toScanView(scan, origin)), nextCursor: page.nextCursor };
    },
  );
}
