import { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { ServiceContext } from '../context.js';
import { withStoredProvider } from '../connections/stored-provider.js';
import { commentsEnabled } from '../db/comment-settings.js';
import type { Db } from '../db/database.js';
import { enqueueJob } from '../jobs/jobs.js';
import type { JobHandler } from '../jobs/worker.js';
import { reconcileScan, type WithCommentTools } from './reconcile.js';

/** The job that brings a pull request's comments in line with a scan of it. */
export const commentsReconcileJobKind = 'comments.reconcile';

const payloadSchema = z.object({ scanId: z.string().min(1), connectionId: z.string().min(1) });

/**
 * Queues the reconciliation of a processed scan's pull request, once per scan, when the scan is of a pull request
 * and comments are on for its repository. Answers whether a job is queued.
 */
export async function enqueueCommentReconcile(db: Db, accountId: string, scanId: string): Promise<boolean> {
  const scan = await db
    .selectFrom('scans')
    .select(['id', 'connection_id', 'repository_id', 'pull_request_number', 'status'])
    .where('account_id', '=', accountId)
    .where('id', '=', scanId)
    .executeTakeFirst();
  if (!scan || scan.pull_request_number === null || scan.status !== 'processed') return false;
  if (!(await commentsEnabled(db, accountId, scan.connection_id, scan.repository_id))) return false;
  await enqueueJob(db, {
    accountId,
    kind: commentsReconcileJobKind,
    payload: { scanId: scan.id, connectionId: scan.connection_id },
    idempotencyKey: `${commentsReconcileJobKind}:${scan.id}`,
  });
  return true;
}

/** {@link WithCommentTools} over the stored connection's provider. */
export const connectionCommentTools =
  (ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>): WithCommentTools =>
  (scope, use) =>
    withStoredProvider(ctx, scope.accountId, scope.connectionId, (provider) =>
      use({
        comments: provider.capabilities.comments ? provider.comments : undefined,
        inlineComments: provider.capabilities.inlineComments,
        files: provider.files,
      }),
    );

/** The `comments.reconcile` job: see {@link reconcileScan}; the job's id holds the pull request's lease. */
export const createCommentsReconcileHandler =
  (
    ctx: Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'githubApps'>,
    withTools?: WithCommentTools,
  ): JobHandler =>
  async (job) => {
    const { scanId } = payloadSchema.parse(job.payload);
    if (job.accountId === null)
      throw new AppError(400, 'invalid_job', 'Comments are reconciled in an account.');
    return reconcileScan(
      { db: ctx.db, config: ctx.config, withTools: withTools ?? connectionCommentTools(ctx) },
      job.accountId,
      scanId,
      job.id,
    );
  };
