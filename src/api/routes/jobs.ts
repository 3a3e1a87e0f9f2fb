import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { findJob, type Job } from '../../jobs/index.js';
import type { ZodApp } from '../app.js';
import { requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { errors, fields } from '../schemas.js';

export const jobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  result: z.unknown(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const toJobView = (job: Job): z.infer<typeof jobSchema> => ({
  id: job.id,
  kind: job.kind,
  status: job.status,
  attempts: job.attempts,
  lastError: job.lastError,
  result: job.result,
  createdAt: job.createdAt,
  finishedAt: job.finishedAt,
});

export function registerJobRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/jobs/:jobId',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A background job of the account (sync, bulk work)',
        params: z.strictObject({ accountId: fields.uuid, jobId: fields.uuid }),
        response: { 200: jobSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const { accountId, jobId } = request.params;
      await requireAccount(request, ctx, accountId);
      const job = await findJob(ctx.db, accountId, jobId);
      if (!job) throw notFound('job');
      return toJobView(job);
    },
  );
}
