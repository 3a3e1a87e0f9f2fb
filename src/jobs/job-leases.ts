import { sql, type ExpressionBuilder } from 'kysely';
import type { Db, Engine } from '../db/database.js';
import type { Database, JobStatus } from '../db/schema.js';
import { toJob, toJsonText, type Job, type JobProgress } from './jobs.js';

/** Results may be larger than payloads (a bulk run's per-repository outcome) but stay bounded. */
export const MAX_RESULT_BYTES = 1024 * 1024;

export interface ClaimOptions {
  /** The worker's id: written as `lease_owner`, required by every later write of the run. */
  readonly owner: string;
  readonly limit: number;
  readonly now: Date;
  readonly leaseMs: number;
}

/**
 * Takes up to `limit` due jobs: queued ones whose `run_at` has come, and running ones whose lease lapsed (their
 * worker died). Each claimed job is `running`, leased to `owner`, with `attempts` counted up.
 *
 * PostgreSQL: one UPDATE over a `FOR UPDATE SKIP LOCKED` sub-select, so concurrent workers in any number of
 * processes take disjoint jobs without waiting on each other. SQLite: the same single statement without the
 * lock clause (SQLite runs one writing statement at a time); in both the outer WHERE re-checks that the job
 * is still due.
 */
export async function claimJobs(db: Db, engine: Engine, options: ClaimOptions): Promise<Job[]> {
  if (options.limit < 1) return [];
  const now = options.now.toISOString();
  const leaseExpiresAt = new Date(options.now.getTime() + options.leaseMs).toISOString();
  const due = (w: ExpressionBuilder<Database, 'jobs'>) =>
    w.or([
      w.and([w('status', '=', 'queued'), w('run_at', '<=', now)]),
      w.and([w('status', '=', 'running'), w('lease_expires_at', '<=', now)]),
    ]);
  const candidates = db
    .selectFrom('jobs')
    .select('id')
    .where(due)
    .orderBy('run_at')
    .limit(options.limit)
    .$if(engine === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running' as JobStatus,
      attempts: eb('attempts', '+', 1),
      lease_owner: options.owner,
      lease_expires_at: leaseExpiresAt,
      started_at: now,
      progress_done: null,
      progress_total: null,
      updated_at: now,
    }))
    // PostgreSQL: `= any(array(…))` runs the sub-select once; as `in (…)` the planner may run it again for each
    // row of a semi-join, each run locking (and claiming) more rows than the limit.
    .where(
      engine === 'postgres'
        ? sql<boolean>`id = any(array(${candidates}))`
        : sql<boolean>`id in (${candidates})`,
    )
    .where(due)
    .returningAll()
    .execute();
  return rows.map(toJob).sort((a, b) => a.runAt.localeCompare(b.runAt));
}

/** A job leased to one worker: every write below changes the row only while that lease holds. */
export interface Lease {
  readonly jobId: string;
  readonly owner: string;
}

const leased = (db: Db, lease: Lease) =>
  db
    .updateTable('jobs')
    .where('id', '=', lease.jobId)
    .where('lease_owner', '=', lease.owner)
    .where('status', '=', 'running');

const changed = (result: { numUpdatedRows: bigint }) => result.numUpdatedRows > 0n;

/** Pushes the lease expiry to `now + leaseMs`; false when the lease is lost (job cancelled or taken over). */
export async function renewLease(db: Db, lease: Lease, now: Date, leaseMs: number): Promise<boolean> {
  const result = await leased(db, lease)
    .set({ lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
    .executeTakeFirst();
  return changed(result);
}

/** Stores interim progress as the job's result; false when the lease is lost. */
export async function saveProgress(db: Db, lease: Lease, progress: unknown, now: Date): Promise<boolean> {
  const result = await leased(db, lease)
    .set({ result: toJsonText(progress, 'progress', MAX_RESULT_BYTES), updated_at: now.toISOString() })
    .executeTakeFirst();
  return changed(result);
}

/** Stores how far the run got (`done` of `total`); false when the lease is lost. */
export async function saveCount(db: Db, lease: Lease, progress: JobProgress, now: Date): Promise<boolean> {
  const result = await leased(db, lease)
    .set({ progress_done: progress.done, progress_total: progress.total, updated_at: now.toISOString() })
    .executeTakeFirst();
  return changed(result);
}

/** `resultText` is JSON (see `toJsonText`). */
export async function markSucceeded(db: Db, lease: Lease, resultText: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const update = await leased(db, lease)
    .set({
      status: 'succeeded',
      result: resultText,
      last_error: null,
      lease_owner: null,
      lease_expires_at: null,
      finished_at: at,
      updated_at: at,
    })
    .executeTakeFirst();
  return changed(update);
}

export async function markFailed(db: Db, lease: Lease, message: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const update = await leased(db, lease)
    .set({
      status: 'failed',
      last_error: message,
      lease_owner: null,
      lease_expires_at: null,
      finished_at: at,
      updated_at: at,
    })
    .executeTakeFirst();
  return changed(update);
}

export interface Requeue {
  readonly runAt: Date;
  /** Null keeps the previous error (a run that was interrupted, not failed). */
  readonly message: string | null;
  /** Whether the run that just ended counts against `max_attempts`. */
  readonly countsAsAttempt: boolean;
}

/** Puts the job back in the queue for a later run. */
export async function requeue(db: Db, lease: Lease, next: Requeue, now: Date): Promise<boolean> {
  const update = await leased(db, lease)
    .set((eb) => ({
      status: 'queued' as JobStatus,
      run_at: next.runAt.toISOString(),
      attempts: next.countsAsAttempt ? eb.ref('attempts') : eb('attempts', '-', 1),
      last_error: next.message ?? eb.ref('last_error'),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: now.toISOString(),
    }))
    .executeTakeFirst();
  return changed(update);
}
