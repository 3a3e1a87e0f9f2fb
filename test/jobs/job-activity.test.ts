import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import {
  createWorker,
  enqueueJob,
  findJob,
  listJobs,
  retryJob,
  type JobHandlers,
} from '../../src/jobs/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { deferred, manualClock, silentLogger, twoAccounts } from './fixtures.js';

describeEachEngine('what the Activity page reads of a job', (engine) => {
  let database: TestDatabase;
  let acme: string;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme } = await twoAccounts(database.db));
  });
  afterEach(() => database.close());

  const clock = manualClock();
  const worker = (handlers: JobHandlers) =>
    createWorker({
      db: database.db,
      engine,
      handlers,
      logger: silentLogger(),
      now: () => clock.now(),
      backoff: { baseMs: 1, maxMs: 1 },
    });
  const reload = async (id: string) => (await findJob(database.db, acme, id))!;

  it("takes the job's connection from its payload and filters by it", async () => {
    const connectionId = '0b7f6c4e-5a1d-4c1e-9a7e-2f1f3b2f1a11';
    const sync = await enqueueJob(database.db, { accountId: acme, kind: 'sync', payload: { connectionId } });
    const other = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'sync',
      payload: { connectionId: 7 },
    });
    expect([sync.connectionId, other.connectionId]).toEqual([connectionId, null]);
    const page = await listJobs(database.db, acme, { connectionId });
    expect(page.jobs.map((job) => job.id)).toEqual([sync.id]);
  });

  it('records when a run starts and how far it got, and starts counting again on the next run', async () => {
    const reported = deferred();
    const proceed = deferred();
    let runs = 0;
    const job = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'bulk',
      payload: {},
      runAt: clock.now(),
    });
    expect(job).toMatchObject({ startedAt: null, progress: null });
    const handlers: JobHandlers = {
      bulk: async (_job, context) => {
        runs += 1;
        if (runs === 1) {
          await context.setProgress(500);
          await context.setProgress(1000, 2500);
          reported.resolve();
          await proceed.promise;
          throw new Error('first run fails');
        }
        await expect(context.setProgress(-1)).rejects.toThrow(RangeError);
        await expect(context.setProgress(1.5, 3)).rejects.toThrow(RangeError);
        return 'done';
      },
    };
    const run = worker(handlers).runUntilIdle();
    await reported.promise;
    expect(await reload(job.id)).toMatchObject({
      status: 'running',
      startedAt: clock.now().toISOString(),
      progress: { done: 1000, total: 2500 },
    });
    proceed.resolve();
    await run;
    expect(await reload(job.id)).toMatchObject({ status: 'queued', progress: { done: 1000, total: 2500 } });
    clock.advance(60_000);
    await worker(handlers).runUntilIdle();
    const finished = await reload(job.id);
    expect(finished).toMatchObject({ status: 'succeeded', attempts: 2, progress: null });
    expect(finished.startedAt).toBe(clock.now().toISOString());
  });

  it('retries a failed or cancelled job as new, and refuses any other', async () => {
    const job = await enqueueJob(database.db, { accountId: acme, kind: 'x', payload: {}, maxAttempts: 1 });
    await database.db
      .updateTable('jobs')
      .set({ status: 'failed', attempts: 1, last_error: 'No.', result: '{"partial":true}', progress_done: 3 })
      .execute();
    const retried = await retryJob(database.db, acme, job.id);
    expect(retried).toMatchObject({
      status: 'queued',
      attempts: 0,
      lastError: null,
      result: null,
      progress: null,
      finishedAt: null,
    });
    const refused = await retryJob(database.db, acme, job.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 409, code: 'job_not_retryable' });
    expect(await retryJob(database.db, null, job.id)).toBeUndefined();
  });
});
