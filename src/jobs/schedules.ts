import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { JobSchedulesTable } from '../db/schema.js';
import { enqueueJobOnce, toJsonText } from './jobs.js';

export interface ScheduleInput {
  /** Unique name; scheduling the same name again replaces its kind, interval and payload. */
  readonly name: string;
  readonly kind: string;
  /** Interval in ms, from 1 s to 24 days; slots are aligned to the Unix epoch (daily = 00:00 UTC). */
  readonly everyMs: number;
  /** The account the jobs belong to; instance jobs when not given. */
  readonly accountId?: string;
  readonly payload?: unknown;
}

export interface Schedule {
  readonly name: string;
  readonly accountId: string | null;
  readonly kind: string;
  readonly everyMs: number;
  readonly payload: unknown;
  /** Start of the newest slot a job was enqueued for. */
  readonly lastSlotAt: string | null;
}

const MIN_EVERY_MS = 1_000;
/** The largest value a PostgreSQL `integer` holds. */
const MAX_EVERY_MS = 2_147_483_647;

/** Stores (or replaces) a recurring schedule. Workers enqueue one job per slot, whatever their number. */
export async function scheduleEvery(db: Db, input: ScheduleInput): Promise<Schedule> {
  if (!Number.isInteger(input.everyMs) || input.everyMs < MIN_EVERY_MS || input.everyMs > MAX_EVERY_MS) {
    throw new Error(`everyMs must be an integer from ${MIN_EVERY_MS} to ${MAX_EVERY_MS}.`);
  }
  if (!/^[\w.:-]{1,100}$/.test(input.name))
    throw new Error('A schedule name is 1 to 100 letters, digits or ._:-');
  const now = new Date().toISOString();
  const payload = toJsonText(input.payload, 'payload');
  const row = {
    name: input.name,
    account_id: input.accountId ?? null,
    kind: input.kind,
    payload,
    every_ms: input.everyMs,
  };
  await db
    .insertInto('job_schedules')
    .values({ ...row, last_slot_at: null, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        account_id: row.account_id,
        kind: row.kind,
        payload,
        every_ms: row.every_ms,
        updated_at: now,
      }),
    )
    .execute();
  const stored = await db
    .selectFrom('job_schedules')
    .selectAll()
    .where('name', '=', input.name)
    .executeTakeFirstOrThrow();
  return toSchedule(stored);
}

const toSchedule = (row: Selectable<JobSchedulesTable>): Schedule => ({
  name: row.name,
  accountId: row.account_id,
  kind: row.kind,
  everyMs: row.every_ms,
  payload: JSON.parse(row.payload) as unknown,
  lastSlotAt: row.last_slot_at,
});

export async function listSchedules(db: Db): Promise<Schedule[]> {
  const rows = await db.selectFrom('job_schedules').selectAll().orderBy('name').execute();
  return rows.map(toSchedule);
}

/** Removes a schedule; jobs it already enqueued stay. */
export async function removeSchedule(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('job_schedules').where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The start of the slot `now` falls in. */
export const slotStart = (now: Date, everyMs: number): Date =>
  new Date(Math.floor(now.getTime() / everyMs) * everyMs);

/**
 * Enqueues the current slot's job for every schedule that does not have it yet; returns how many it enqueued.
 * Slots missed while no worker ran are not made up: a schedule catches up with one job, for the current slot.
 *
 * The job's idempotency key `schedule:{name}:{slot}` decides which of several workers enqueues a slot; the
 * schedule's `last_slot_at` is advanced afterwards so later polls skip it without writing. A crash in between
 * only means the next poll finds the key taken and advances it then. No transaction is held across awaits, so
 * this also holds for several SQLite connections in one process.
 */
export async function enqueueDueSchedules(db: Db, now: Date): Promise<number> {
  const schedules = await db.selectFrom('job_schedules').selectAll().execute();
  let enqueued = 0;
  for (const schedule of schedules) {
    const slot = slotStart(now, schedule.every_ms).toISOString();
    if (schedule.last_slot_at !== null && schedule.last_slot_at >= slot) continue;
    const { created } = await enqueueJobOnce(db, {
      accountId: schedule.account_id,
      kind: schedule.kind,
      payload: JSON.parse(schedule.payload) as unknown,
      idempotencyKey: `schedule:${schedule.name}:${slot}`,
      runAt: new Date(slot),
    });
    await db
      .updateTable('job_schedules')
      .set({ last_slot_at: slot })
      .where('name', '=', schedule.name)
      .where((eb) => eb.or([eb('last_slot_at', 'is', null), eb('last_slot_at', '<', slot)]))
      .execute();
    if (created) enqueued += 1;
  }
  return enqueued;
}
