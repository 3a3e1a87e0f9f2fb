import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, ping, type DatabaseHandle } from '../../src/db/database.js';
import {
  createWorker,
  listJobs,
  listSchedules,
  removeSchedule,
  scheduleEvery,
  type Job,
} from '../../src/jobs/index.js';
import { enqueueDueSchedules } from '../../src/jobs/schedules.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { manualClock, silentLogger, twoAccounts, type ManualClock } from './fixtures.js';

const HOUR = 3_600_000;

describeEachEngine('job schedules', (engine) => {
  let database: TestDatabase;
  let other: DatabaseHandle;
  let clock: ManualClock;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    other = await openDatabase(database.location);
    await ping(other.db);
    clock = manualClock(new Date('2030-01-01T10:20:00.000Z'));
  });
  afterEach(async () => {
    await other.close();
    await database.close();
  });

  const instanceJobs = async () => (await listJobs(database.db, null, { limit: 200 })).jobs;

  it('enqueues each slot once, even with two workers polling at the same moment', async () => {
    await scheduleEvery(database.db, {
      name: 'prune',
      kind: 'prune',
      everyMs: HOUR,
      payload: { keepDays: 30 },
    });
    const ran: Job[] = [];
    const handlers = { prune: async (job: Job) => void ran.push(job) };
    const workers = [database, other].map((handle) =>
      createWorker({ db: handle.db, engine, handlers, logger: silentLogger(), now: () => clock.now() }),
    );
    const runBoth = () => Promise.all(workers.map((worker) => worker.runUntilIdle()));
    await runBoth();
    await runBoth();
    expect(ran.map((job) => job.idempotencyKey)).toEqual(['schedule:prune:2030-01-01T10:00:00.000Z']);
    expect(ran[0]?.payload).toEqual({ keepDays: 30 });
    clock.advance(40 * 60_000);
    await runBoth();
    clock.advance(10 * 60_000);
    await runBoth();
    expect(ran.map((job) => job.runAt)).toEqual(['2030-01-01T10:00:00.000Z', '2030-01-01T11:00:00.000Z']);
    expect((await instanceJobs()).every((job) => job.status === 'succeeded')).toBe(true);
  });

  it('lets only one of many racing pollers enqueue a slot', async () => {
    await scheduleEvery(database.db, { name: 'sync', kind: 'sync', everyMs: HOUR });
    const counts = await Promise.all(
      Array.from({ length: 8 }, (_, n) => enqueueDueSchedules(n % 2 ? other.db : database.db, clock.now())),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await instanceJobs()).toHaveLength(1);
  });

  it('catches up a missed stretch with one job, and stops when removed', async () => {
    await scheduleEvery(database.db, { name: 'sync', kind: 'sync', everyMs: HOUR });
    expect(await enqueueDueSchedules(database.db, clock.now())).toBe(1);
    clock.advance(5 * HOUR);
    expect(await enqueueDueSchedules(database.db, clock.now())).toBe(1);
    expect(await removeSchedule(database.db, 'sync')).toBe(true);
    clock.advance(HOUR);
    expect(await enqueueDueSchedules(database.db, clock.now())).toBe(0);
    expect(await instanceJobs()).toHaveLength(2);
  });

  it('replaces a schedule by name, scopes it to an account, and validates it', async () => {
    const { acme } = await twoAccounts(database.db);
    await scheduleEvery(database.db, {
      name: 'members',
      kind: 'sync-members',
      everyMs: HOUR,
      accountId: acme,
    });
    const replaced = await scheduleEvery(database.db, {
      name: 'members',
      kind: 'sync-members',
      everyMs: 2 * HOUR,
      accountId: acme,
      payload: { full: true },
    });
    expect(replaced).toMatchObject({ everyMs: 2 * HOUR, payload: { full: true }, accountId: acme });
    expect(await listSchedules(database.db)).toHaveLength(1);
    await enqueueDueSchedules(database.db, clock.now());
    expect((await listJobs(database.db, acme)).jobs.map((job) => job.kind)).toEqual(['sync-members']);
    expect(await instanceJobs()).toEqual([]);
    await expect(scheduleEvery(database.db, { name: 'fast', kind: 'x', everyMs: 10 })).rejects.toThrow(
      'everyMs',
    );
    await expect(scheduleEvery(database.db, { name: 'bad name!', kind: 'x', everyMs: HOUR })).rejects.toThrow(
      'name',
    );
  });
});
