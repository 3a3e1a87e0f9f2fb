import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import {
  cancelJob,
  findJob,
  listJobs,
  readSafeError,
  retryJob,
  type Job,
  type JobStatus,
} from '../../jobs/index.js';
import type { ZodApp } from '../app.js';
import { requireAccount } from '../auth.js';
import type { AppContext } from '../context.js';
import { accountParams, errors, fields } from '../schemas.js';

const jobStatuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** A job without its result: what a listing shows. */
export const jobSummarySchema = z.object({
  id: z.string(),
  kind: z.string().describe('`connection.sync`, `connection.token-expiry`, `account.webhook-health`, …'),
  connectionId: z.string().nullable().describe('The connection the job works on, when it works on one'),
  status: z.enum(jobStatuses),
  progress: z
    .object({ done: z.number(), total: z.number().nullable().describe('Null while the total is unknown') })
    .nullable()
    .describe('How far the current run got, as its handler last reported'),
  attempts: z.number().describe('Runs started so far, the current one included'),
  maxAttempts: z.number(),
  runAt: z.string().describe('Not started before this time (a retry waits for it)'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  lastError: z.string().nullable().describe('Why the last run failed, with its fix'),
  error: z
    .object({ message: z.string(), fix: z.string().nullable() })
    .nullable()
    .describe('`lastError` as what went wrong and what to do about it'),
});

export const jobSchema = jobSummarySchema.extend({
  result: z.unknown().describe("The handler's outcome once finished"),
});

type JobSummaryView = z.infer<typeof jobSummarySchema>;

export const toJobSummaryView = (job: Job): JobSummaryView => ({
  id: job.id,
  kind: job.kind,
  connectionId: job.connectionId,
  status: job.status,
  progress: job.progress,
  attempts: job.attempts,
  maxAttempts: job.maxAttempts,
  runAt: job.runAt,
  createdAt: job.createdAt,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
  lastError: job.lastError,
  error: job.lastError === null ? null : readSafeError(job.lastError),
});

export const toJobView = (job: Job): z.infer<typeof jobSchema> => ({
  ...toJobSummaryView(job),
  result: job.result,
});

const jobParams = z.strictObject({ accountId: fields.uuid, jobId: fields.uuid });

const statusList = z
  .string()
  .max(100)
  .transform((text, ctx) => {
    const statuses = text.split(',').map((part) => part.trim());
    const unknown = statuses.filter((status) => !(jobStatuses as readonly string[]).includes(status));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be one or more of ${jobStatuses.join(', ')}, separated by commas`,
      });
      return z.NEVER;
    }
    return statuses as JobStatus[];
  });

/** Background jobs of an account: the Activity page, and retry / cancel for admins. */
export function registerJobRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/accounts/:accountId/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs of the account, newest first, with filters and cursor pagination',
        params: accountParams,
        querystring: z.strictObject({
          kind: z.string().min(1).max(100).optional(),
          connectionId: fields.uuid.optional(),
          status: statusList.optional().describe('One status, or several separated by commas'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional().describe('The `nextCursor` of the previous page'),
        }),
        response: {
          200: z.object({ items: z.array(jobSummarySchema), nextCursor: z.string().nullable() }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      await requireAccount(request, ctx, accountId);
      const { kind, connectionId, status, limit, cursor } = request.query;
      const page = await listJobs(ctx.db, accountId, {
        limit,
        ...(kind !== undefined ? { kind } : {}),
        ...(connectionId !== undefined ? { connectionId } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      return { items: page.jobs.map(toJobSummaryView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/accounts/:accountId/jobs/:jobId',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A background job of the account (sync, check, bulk work)',
        params: jobParams,
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

  app.post(
    '/accounts/:accountId/jobs/:jobId/retry',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Retry a failed or cancelled job (admin): queued again with its attempts reset',
        params: jobParams,
        response: { 200: jobSchema, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { accountId, jobId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const job = await retryJob(ctx.db, accountId, jobId);
      if (!job) throw notFound('job');
      return toJobView(job);
    },
  );

  app.post(
    '/accounts/:accountId/jobs/:jobId/cancel',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Cancel a queued or running job (admin); a running one stops at its next lease renewal',
        params: jobParams,
        response: { 200: jobSchema, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { accountId, jobId } = request.params;
      await requireAccount(request, ctx, accountId, 'admin');
      const job = await cancelJob(ctx.db, accountId, jobId);
      if (!job) throw notFound('job');
      if (job.status !== 'cancelled') {
        throw new AppError(
          409,
          'job_finished',
          `The job has ${job.status} already; only a queued or running job can be cancelled.`,
        );
      }
      return toJobView(job);
    },
  );
}
