import { timeOrderedId } from '../core/ids.js';
import type { Insertable, Selectable } from 'kysely';
import { AppError, badRequest } from '../core/errors.js';
import type { Db } from '../db/database.js';
import type { JobStatus, JobsTable } from '../db/schema.js';

export type { JobStatus } from '../db/schema.js';

/**
 * Whose job it is: an account id, or `null` for instance jobs (key rotation, pruning). Every read and write
 * is scoped by it, so a job id from another account is simply not found.
 */
export type JobScope = string | null;

/** A job as callers see it: payload and result parsed, no lease details. */
export interface Job {
  readonly id: string;
  readonly accountId: string | null;
  readonly kind: string;
  readonly payload: unknown;
  /** The connection it works on: its payload's `connectionId`, when it has one. */
  readonly connectionId: string | null;
  readonly status: JobStatus;
  /** Runs started so far, the current one included. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly runAt: string;
  /** Why the last run failed, in words safe to show to the account's users. */
  readonly lastError: string | null;
  /** The handler's return value, or the progress it last reported. */
  readonly result: unknown;
  readonly idempotencyKey: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the current (or last) run started; null before the first. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** How far the current run got, as its handler last said; null when it said nothing. */
  readonly progress: JobProgress | null;
}

/** `done` of `total` units (repositories, steps); `total` is null while it is unknown. */
export interface JobProgress {
  readonly done: number;
  readonly total: number | null;
}

export interface EnqueueJobInput {
  readonly accountId: JobScope;
  /** Names the handler that runs it. */
  readonly kind: string;
  /** Anything JSON can carry; the handler validates it. */
  readonly payload: unknown;
  /**
   * When given, enqueueing again with the same key (in the same scope) returns the job already there, whatever
   * its status, and enqueues nothing: put an operation id in the key when the same work may be wanted again.
   */
  readonly idempotencyKey?: string;
  /** Earliest start; now when not given. */
  readonly runAt?: Date;
  /** Runs before the job fails for good; default {@link DEFAULT_MAX_ATTEMPTS}. */
  readonly maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
/** Payloads are references (ids, names), not documents. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export type JobRow = Selectable<JobsTable>;

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    connectionId: row.connection_id,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lastError: row.last_error,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: row.progress_done === null ? null : { done: row.progress_done, total: row.progress_total },
  };
}

/** The `connectionId` of a payload that names one (syncs, checks, bulk work on one connection). */
export function connectionIdOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !('connectionId' in payload)) return null;
  return typeof payload.connectionId === 'string' ? payload.connectionId : null;
}

/** JSON text of a value; `undefined` becomes `null`. Throws when it cannot be stored. */
export function toJsonText(value: unknown, what: string, maxBytes = MAX_PAYLOAD_BYTES): string {
  const text = JSON.stringify(value ?? null);
  if (Buffer.byteLength(text) > maxBytes)
    throw new Error(`The job ${what} is larger than ${maxBytes} bytes.`);
  return text;
}

/**
 * Queues a job, or returns the job already queued under the same idempotency key. Safe under concurrency:
 * the unique index decides, so two callers racing with one key get the same job. Works inside a transaction
 * (write the job with the row that caused it).
 */
export async function enqueueJob(db: Db, input: EnqueueJobInput): Promise<Job> {
  return (await enqueueJobOnce(db, input)).job;
}

/** {@link enqueueJob}, telling whether this call created the job (false: the idempotency key matched). */
export async function enqueueJobOnce(
  db: Db,
  input: EnqueueJobInput,
): Promise<{ job: Job; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values(newJobRow(input, new Date().toISOString()))
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { job: toJob(inserted), created: true };
  if (input.idempotencyKey === undefined) throw new Error('the job could not be queued');
  const existing = await scoped(db, input.accountId)
    .where('idempotency_key', '=', input.idempotencyKey)
    .executeTakeFirst();
  if (!existing) throw new Error('the job could not be queued');
  return { job: toJob(existing), created: false };
}

/**
 * Queues several jobs with one statement (work arriving in bursts: webhook deliveries), inside the caller's
 * transaction when it has one; returns their ids in order. No idempotency keys: each input is a new job.
 */
export async function enqueueJobs(db: Db, inputs: readonly EnqueueJobInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  if (inputs.some((input) => input.idempotencyKey !== undefined)) {
    throw new Error('enqueueJobs queues new jobs only: use enqueueJob for an idempotency key.');
  }
  const now = new Date().toISOString();
  const rows = inputs.map((input) => newJobRow(input, now));
  await db.insertInto('jobs').values(rows).execute();
  return rows.map((row) => row.id);
}

function newJobRow(input: EnqueueJobInput, now: string): Insertable<JobsTable> & { id: string } {
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000) {
    throw new Error('maxAttempts must be an integer from 1 to 1000.');
  }
  return {
    id: timeOrderedId(),
    account_id: input.accountId,
    kind: input.kind,
    payload: toJsonText(input.payload, 'payload'),
    connection_id: connectionIdOf(input.payload),
    status: 'queued',
    attempts: 0,
    max_attempts: maxAttempts,
    run_at: input.runAt?.toISOString() ?? now,
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    result: null,
    idempotency_key: input.idempotencyKey ?? null,
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
    progress_done: null,
    progress_total: null,
  };
}

const scoped = (db: Db, scope: JobScope) =>
  db
    .selectFrom('jobs')
    .selectAll()
    .where((eb) => (scope === null ? eb('account_id', 'is', null) : eb('account_id', '=', scope)));

/** The job with this id in this scope; undefined for a job of another account. */
export async function findJob(db: Db, scope: JobScope, jobId: string): Promise<Job | undefined> {
  const row = await scoped(db, scope).where('id', '=', jobId).executeTakeFirst();
  return row && toJob(row);
}

export interface JobFilter {
  readonly status?: JobStatus | readonly JobStatus[];
  readonly kind?: string;
  readonly connectionId?: string;
  /** Page size, 1 to 200; default 50. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface JobPage {
  readonly jobs: Job[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

/** Jobs of one scope, newest first. */
export async function listJobs(db: Db, scope: JobScope, filter: JobFilter = {}): Promise<JobPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 200);
  const statuses = filter.status === undefined ? [] : [filter.status].flat();
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const rows = await scoped(db, scope)
    .$if(statuses.length > 0, (qb) => qb.where('status', 'in', statuses))
    .$if(filter.kind !== undefined, (qb) => qb.where('kind', '=', filter.kind!))
    .$if(filter.connectionId !== undefined, (qb) => qb.where('connection_id', '=', filter.connectionId!))
    .$if(after !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('created_at', '<', after!.createdAt),
          eb.and([eb('created_at', '=', after!.createdAt), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    jobs: page.map(toJob),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}

const encodeCursor = (createdAt: string, id: string) =>
  Buffer.from(`${createdAt}|${id}`).toString('base64url');

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor is opaque to callers; anything but one `listJobs` wrote is refused. */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, extra] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || extra !== undefined || !isoInstant.test(createdAt) || !uuid.test(id)) {
    throw badRequest(
      'invalid_cursor',
      'The cursor is not one this listing gave: pass the nextCursor of the previous page.',
    );
  }
  return { createdAt, id };
}

/**
 * Cancels a queued or running job. A running handler sees its signal abort when its worker next renews the
 * lease, and whatever it returns afterwards is dropped. Returns the job as it now is (a finished job is left
 * as it was), or undefined when there is no such job in this scope.
 */
export async function cancelJob(db: Db, scope: JobScope, jobId: string): Promise<Job | undefined> {
  const now = new Date().toISOString();
  await db
    .updateTable('jobs')
    .set({
      status: 'cancelled',
      finished_at: now,
      updated_at: now,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', jobId)
    .where((eb) => (scope === null ? eb('account_id', 'is', null) : eb('account_id', '=', scope)))
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return findJob(db, scope, jobId);
}

/**
 * Queues a failed or cancelled job again, as new: attempts, error, result and progress cleared, due now. The
 * job keeps its id, kind, payload and idempotency key. Undefined when there is no such job in this scope;
 * refused (409) for a job that is queued, running or succeeded.
 */
export async function retryJob(db: Db, scope: JobScope, jobId: string): Promise<Job | undefined> {
  const now = new Date().toISOString();
  const update = await db
    .updateTable('jobs')
    .set({
      status: 'queued',
      attempts: 0,
      run_at: now,
      last_error: null,
      result: null,
      lease_owner: null,
      lease_expires_at: null,
      started_at: null,
      finished_at: null,
      progress_done: null,
      progress_total: null,
      updated_at: now,
    })
    .where('id', '=', jobId)
    .where((eb) => (scope === null ? eb('account_id', 'is', null) : eb('account_id', '=', scope)))
    .where('status', 'in', ['failed', 'cancelled'])
    .executeTakeFirst();
  const job = await findJob(db, scope, jobId);
  if (job && update.numUpdatedRows === 0n) {
    throw new AppError(
      409,
      'job_not_retryable',
      `The job is ${job.status}; only a failed or cancelled job can be retried.`,
    );
  }
  return job;
}

/** Deletes jobs that finished before `before` (any scope); returns how many. Their idempotency keys free up. */
export async function pruneJobs(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('status', 'in', ['succeeded', 'failed', 'cancelled'])
    .where('finished_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
