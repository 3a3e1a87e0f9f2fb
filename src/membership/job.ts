import { AppError } from '../core/errors.js';
import type { Db } from '../db/database.js';
import { enqueueJob, type Job } from '../jobs/jobs.js';
import type { JobHandler } from '../jobs/worker.js';
import { reconcileAccount } from './reconcile.js';
import type { SourceContext } from './source.js';

/** Reconciles one account's managed members with its membership source. */
export const membershipReconcileJobKind = 'membership.reconcile';

/** Queues a reconciliation of the account (after the source is set, on "Reconcile now"). */
export const enqueueMembershipReconcile = (
  db: Db,
  accountId: string,
  reason: 'source-set' | 'requested',
): Promise<Job> =>
  enqueueJob(db, { accountId, kind: membershipReconcileJobKind, payload: { reason }, maxAttempts: 3 });

/** The `membership.reconcile` job: see {@link reconcileAccount}; an account without a source has nothing to do. */
export const createMembershipReconcileHandler =
  (ctx: SourceContext): JobHandler =>
  async (job) => {
    if (job.accountId === null) {
      throw new AppError(400, 'invalid_job', 'Membership is reconciled in an account.');
    }
    return (
      (await reconcileAccount(ctx, job.accountId)) ?? { skipped: 'The account has no membership source.' }
    );
  };
