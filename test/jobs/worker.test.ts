import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { openDatabase, ping, type DatabaseHandle } from '../../src/db/database.js';
import {
  JobLeaseLostError,
  cancelJob,
  createWorker,
  enqueueJob,
  findJob,
  type JobHandlers,
  type WorkerOptions,
} from '../../src/jobs/index.js';
import { claimJobs } from '../../src/jobs/job-leases.js';
import { ScmError } from '../../src/scm/errors.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { deferred, manualClock, silentLogger, twoAccounts, type ManualClock } from './fixtures.js';

describeEachEngine('job worker', (engine) => {
  let database: TestDatabase;
  let acme: string;
  let clock: ManualClock;
  const extraHandles: DatabaseHandle[] = [];
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme } = await twoAccounts(database.db));
    clock = manualClock();
  });
  afterEach(async () => {
    for (const handle of extraHandles.splice(0)) await handle.close();
    await database.close();
  });

  /** A second connection pool to the same database, as another process would have. */
  const secondHandle = async () => {
    const handle = await openDatabase(database.location);
    extraHandles.push(handle);
    // Opens its connections now, so it starts as fast as the first pool.
    await Promise.all([ping(handle.db), ping(handle.db), ping(database.db), ping(database.db)]);
    return handle;
  };

  const worker = (handlers: JobHandlers, options: Partial<WorkerOptions> = {}) =>
    createWorker({
      db: database.db,
      engine,
      handlers,
      logger: silentLogger(),
      now: () => clock.now(),
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      random: () => 1,
      ...options,
    });

  const enqueue = (kind: string, options: { payload?: unknown; maxAttempts?: number } = {}) =>
    enqueueJob(database.db, {
      accountId: acme,
      kind,
      payload: options.payload ?? {},
      runAt: clock.now(),
      ...options,
    });

  const reload = async (id: string) => (await findJob(database.db, acme, id))!;

  it('runs each of 200 jobs exactly once across two workers', async () => {
    const other = await secondHandle();
    const runs = new Map<string, number>();
    const byWorker = [0, 0];
    const running = [0, 0];
    const mostRunning = [0, 0];
    // Each worker's first jobs hold until the other has started one too: both claim while the other holds leases.
    const bothStarted = deferred();
    const handlers = (index: number): JobHandlers => ({
      count: async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        byWorker[index]! += 1;
        running[index]! += 1;
        mostRunning[index] = Math.max(mostRunning[index]!, running[index]!);
        if (byWorker[0]! > 0 && byWorker[1]! > 0) bothStarted.resolve();
        await bothStarted.promise;
        await nextTurn();
        running[index]! -= 1;
        return { n: (job.payload as { n: number }).n };
      },
    });
    const ids: string[] = [];
    for (let n = 0; n < 200; n += 1) ids.push((await enqueue('count', { payload: { n } })).id);
    const first = worker(handlers(0), { concurrency: 4 });
    const second = worker(handlers(1), { concurrency: 4, db: other.db });
    const [a, b] = await Promise.all([first.runUntilIdle(), second.runUntilIdle()]);
    expect(a + b).toBe(200);
    expect(byWorker[0]).toBeGreaterThan(0);
    expect(byWorker[1]).toBeGreaterThan(0);
    expect(Math.max(...mostRunning)).toBeLessThanOrEqual(4);
    expect(runs.size).toBe(200);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const rows = await database.db
      .selectFrom('jobs')
      .select(['status', 'attempts', 'result', 'lease_owner'])
      .execute();
    expect(
      rows.every((row) => row.status === 'succeeded' && row.attempts === 1 && row.lease_owner === null),
    ).toBe(true);
    expect((await reload(ids[7]!)).result).toEqual({ n: 7 });
  });

  it('claims no more jobs than asked, and none that are not due', async () => {
    for (let n = 0; n < 6; n += 1) await enqueue('any');
    await enqueueJob(database.db, {
      accountId: acme,
      kind: 'any',
      payload: {},
      runAt: new Date(clock.now().getTime() + 1),
    });
    const claim = (owner: string, limit: number) =>
      claimJobs(database.db, engine, { owner, limit, now: clock.now(), leaseMs: 1_000 });
    const first = await claim('a', 4);
    const second = await claim('b', 4);
    expect(first).toHaveLength(4);
    expect(second).toHaveLength(2);
    expect(new Set([...first, ...second].map((job) => job.id)).size).toBe(6);
    expect(await claim('c', 4)).toEqual([]);
  });

  it('retries a retryable failure with growing backoff, then succeeds', async () => {
    let calls = 0;
    const w = worker({
      flaky: async () => {
        calls += 1;
        if (calls < 3) throw new ScmError('unavailable', 'GitLab did not answer.');
        return 'done';
      },
    });
    const job = await enqueue('flaky');
    const start = clock.now().getTime();
    expect(await w.runUntilIdle()).toBe(1);
    let row = await reload(job.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, lastError: 'GitLab did not answer.' });
    expect(Date.parse(row.runAt) - start).toBe(1_000);
    clock.advance(999);
    expect(await w.runUntilIdle()).toBe(0);
    clock.advance(1);
    expect(await w.runUntilIdle()).toBe(1);
    row = await reload(job.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 2 });
    expect(Date.parse(row.runAt) - clock.now().getTime()).toBe(2_000);
    clock.advance(2_000);
    expect(await w.runUntilIdle()).toBe(1);
    row = await reload(job.id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 3, result: 'done', lastError: null });
    expect(row.finishedAt).toBe(clock.now().toISOString());
    expect(calls).toBe(3);
  });

  it('waits for retryAt when rate limited, without spending an attempt', async () => {
    let calls = 0;
    const retryAt = new Date(clock.now().getTime() + 60_000);
    const w = worker({
      limited: async () => {
        calls += 1;
        if (calls === 1) throw new ScmError('rate-limited', 'GitHub rate limit reached.', { retryAt });
        return 'ok';
      },
    });
    const job = await enqueue('limited', { maxAttempts: 1 });
    await w.runUntilIdle();
    expect(await reload(job.id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      runAt: retryAt.toISOString(),
    });
    clock.advance(59_999);
    expect(await w.runUntilIdle()).toBe(0);
    clock.advance(1);
    expect(await w.runUntilIdle()).toBe(1);
    expect(await reload(job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('fails at once on a non-retryable error, keeping only a safe message', async () => {
    const w = worker({
      auth: () =>
        Promise.reject(
          new ScmError('auth', 'The token was rejected.', { fix: 'Create a new token.', status: 401 }),
        ),
      app: () => Promise.reject(new AppError(422, 'bad_repo', 'The repository is archived.')),
      crash: () =>
        Promise.reject(new Error('connect to https://user:glpat-secret@gitlab.example failed\n    at stack')),
    });
    const auth = await enqueue('auth');
    const app = await enqueue('app');
    const crash = await enqueue('crash', { maxAttempts: 2 });
    const unknown = await enqueue('no-such-kind');
    await w.runUntilIdle();
    expect(await reload(auth.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'The token was rejected. Fix: Create a new token.',
    });
    expect(await reload(app.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'The repository is archived.',
    });
    expect(await reload(unknown.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await reload(unknown.id)).lastError).toContain('"no-such-kind"');
    expect(await reload(crash.id)).toMatchObject({ status: 'queued', attempts: 1 });
    clock.advance(1_000);
    await w.runUntilIdle();
    const crashed = await reload(crash.id);
    expect(crashed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(crashed.lastError).toContain('unexpected error');
    expect(crashed.lastError).not.toMatch(/secret|gitlab\.example|stack/);
  });

  it('takes over a running job whose lease expired, and drops the late result of the old worker', async () => {
    const started = deferred();
    const release = deferred();
    const job = await enqueue('slow');
    const stuck = worker(
      {
        slow: async () => {
          started.resolve();
          await release.promise;
          return 'from the old worker';
        },
      },
      { leaseMs: 60_000 },
    );
    const stuckRun = stuck.runUntilIdle();
    await started.promise;
    expect(await reload(job.id)).toMatchObject({ status: 'running', attempts: 1 });
    const later = manualClock(new Date(clock.now().getTime() + 59_999));
    const rescuerStarted = deferred();
    const rescuerRelease = deferred();
    const rescuer = worker(
      {
        slow: async () => {
          rescuerStarted.resolve();
          await rescuerRelease.promise;
          return 'from the new worker';
        },
      },
      { now: () => later.now() },
    );
    expect(await rescuer.runUntilIdle()).toBe(0);
    later.advance(1);
    const rescue = rescuer.runUntilIdle();
    await rescuerStarted.promise;
    // The old worker finishes while the new one holds the lease: its outcome must not land.
    release.resolve();
    await stuckRun;
    expect(await reload(job.id)).toMatchObject({ status: 'running', attempts: 2, result: null });
    rescuerRelease.resolve();
    expect(await rescue).toBe(1);
    expect(await reload(job.id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      result: 'from the new worker',
    });
  });

  it('gives up on a job whose runs keep dying', async () => {
    const job = await enqueue('doomed', { maxAttempts: 2 });
    const expired = new Date(clock.now().getTime() - 1).toISOString();
    await database.db
      .updateTable('jobs')
      .set({ status: 'running', attempts: 2, lease_owner: 'gone', lease_expires_at: expired })
      .where('id', '=', job.id)
      .execute();
    let ran = false;
    await worker({ doomed: async () => (ran = true) }).runUntilIdle();
    expect(ran).toBe(false);
    const row = await reload(job.id);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('interrupted 2 times');
  });

  it('stop() aborts running handlers, waits for them and queues their jobs again', async () => {
    const started = deferred();
    let cleanedUp = false;
    const job = await enqueue('long');
    const w = worker(
      {
        long: async (_job, { signal }) => {
          started.resolve();
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          await nextTurn();
          cleanedUp = true;
          throw signal.reason;
        },
      },
      { pollIntervalMs: 5 },
    );
    w.start();
    await started.promise;
    await w.stop();
    expect(cleanedUp).toBe(true);
    expect(await reload(job.id)).toMatchObject({ status: 'queued', attempts: 0, lastError: null });
    const rows = await database.db.selectFrom('jobs').select(['lease_owner']).execute();
    expect(rows[0]?.lease_owner).toBeNull();
    await worker({ long: async () => 'second run' }).runUntilIdle();
    expect(await reload(job.id)).toMatchObject({ status: 'succeeded', attempts: 1, result: 'second run' });
  });

  it('stop() returns after its timeout when a handler ignores the abort, releasing the lease', async () => {
    const started = deferred();
    const release = deferred();
    const lateEnd = deferred();
    const job = await enqueue('stubborn');
    const w = worker(
      {
        stubborn: async () => {
          started.resolve();
          await release.promise;
          lateEnd.resolve();
          return 'late result';
        },
      },
      { pollIntervalMs: 5 },
    );
    w.start();
    await started.promise;
    await w.stop({ timeoutMs: 10 });
    expect(await reload(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    const [row] = await database.db.selectFrom('jobs').select(['lease_owner']).execute();
    expect(row?.lease_owner).toBeNull();
    // The released handler's late result is dropped; the next worker runs the job.
    release.resolve();
    await lateEnd.promise;
    await nextTurn();
    expect(await reload(job.id)).toMatchObject({ status: 'queued', result: null });
    await worker({ stubborn: async () => 'second run' }).runUntilIdle();
    expect(await reload(job.id)).toMatchObject({ status: 'succeeded', result: 'second run', attempts: 1 });
  });

  it('lets a running handler report progress and see its cancellation', async () => {
    const progressed = deferred();
    const cancelled = deferred();
    let sawAbort = false;
    let renewal: unknown;
    const job = await enqueue('bulk');
    const run = worker({
      bulk: async (_job, context) => {
        await context.reportProgress({ done: 1, of: 3 });
        progressed.resolve();
        await cancelled.promise;
        renewal = await context.extendLease().catch((e: unknown) => e);
        sawAbort = context.signal.aborted;
        throw renewal;
      },
    }).runUntilIdle();
    await progressed.promise;
    expect(await reload(job.id)).toMatchObject({ status: 'running', result: { done: 1, of: 3 } });
    await cancelJob(database.db, acme, job.id);
    cancelled.resolve();
    await run;
    expect(sawAbort).toBe(true);
    expect(renewal).toBeInstanceOf(JobLeaseLostError);
    expect(await reload(job.id)).toMatchObject({ status: 'cancelled', attempts: 1 });
  });
});
