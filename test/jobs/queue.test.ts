import { afterEach, beforeEach, expect, it } from 'vitest';
import { cancelJob, enqueueJob, findJob, listJobs, pruneJobs } from '../../src/jobs/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { twoAccounts } from './fixtures.js';

describeEachEngine('job queue', (engine) => {
  let database: TestDatabase;
  let acme: string;
  let beta: string;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme, beta } = await twoAccounts(database.db));
  });
  afterEach(() => database.close());

  const countJobs = async () => (await database.db.selectFrom('jobs').select('id').execute()).length;

  it('queues a job with its payload and defaults', async () => {
    const job = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'sync-repos',
      payload: { connectionId: 'c1' },
    });
    expect(job).toMatchObject({
      accountId: acme,
      kind: 'sync-repos',
      payload: { connectionId: 'c1' },
      status: 'queued',
      attempts: 0,
      maxAttempts: 8,
      lastError: null,
      result: null,
      idempotencyKey: null,
      finishedAt: null,
    });
    expect(await findJob(database.db, acme, job.id)).toEqual(job);
  });

  it('returns the existing job for a repeated idempotency key, per account and among instance jobs', async () => {
    const first = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'ci',
      payload: { n: 1 },
      idempotencyKey: 'k',
    });
    const again = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'ci',
      payload: { n: 2 },
      idempotencyKey: 'k',
    });
    expect(again).toEqual(first);
    const otherAccount = await enqueueJob(database.db, {
      accountId: beta,
      kind: 'ci',
      payload: {},
      idempotencyKey: 'k',
    });
    expect(otherAccount.id).not.toBe(first.id);
    const instance = await enqueueJob(database.db, {
      accountId: null,
      kind: 'rewrap',
      payload: {},
      idempotencyKey: 'k',
    });
    const instanceAgain = await enqueueJob(database.db, {
      accountId: null,
      kind: 'rewrap',
      payload: {},
      idempotencyKey: 'k',
    });
    expect(instanceAgain.id).toBe(instance.id);
    await enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {} });
    await enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {} });
    expect(await countJobs()).toBe(5);
  });

  it('enqueues once when many callers race with one key', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 25 }, (_, n) =>
        enqueueJob(database.db, {
          accountId: acme,
          kind: 'ci',
          payload: { n },
          idempotencyKey: 'delivery-1',
        }),
      ),
    );
    expect(new Set(jobs.map((job) => job.id)).size).toBe(1);
    expect(await countJobs()).toBe(1);
  });

  it('keeps each account to its own jobs', async () => {
    const job = await enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {} });
    expect(await findJob(database.db, beta, job.id)).toBeUndefined();
    expect(await findJob(database.db, null, job.id)).toBeUndefined();
    expect(await cancelJob(database.db, beta, job.id)).toBeUndefined();
    expect((await findJob(database.db, acme, job.id))?.status).toBe('queued');
    expect((await listJobs(database.db, beta)).jobs).toEqual([]);
    await database.db.deleteFrom('accounts').where('id', '=', acme).execute();
    expect(await countJobs()).toBe(0);
  });

  it('lists newest first, filtered, a page at a time', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      ids.push(
        (await enqueueJob(database.db, { accountId: acme, kind: n % 2 ? 'odd' : 'even', payload: { n } })).id,
      );
    }
    await cancelJob(database.db, acme, ids[0]!);
    const first = await listJobs(database.db, acme, { limit: 2 });
    expect(first.jobs).toHaveLength(2);
    const second = await listJobs(database.db, acme, { limit: 2, cursor: first.nextCursor! });
    const third = await listJobs(database.db, acme, { limit: 2, cursor: second.nextCursor! });
    expect(third.nextCursor).toBeNull();
    const all = [...first.jobs, ...second.jobs, ...third.jobs];
    expect(all.map((job) => job.id).sort()).toEqual([...ids].sort());
    const createdAt = all.map((job) => job.createdAt);
    expect(createdAt).toEqual([...createdAt].sort().reverse());
    const even = await listJobs(database.db, acme, { kind: 'even', status: 'queued' });
    expect(even.jobs.map((job) => job.payload)).toEqual(expect.arrayContaining([{ n: 2 }, { n: 4 }]));
    expect(even.jobs).toHaveLength(2);
    const cancelled = await listJobs(database.db, acme, { status: ['cancelled', 'failed'] });
    expect(cancelled.jobs.map((job) => job.id)).toEqual([ids[0]]);
    await expect(listJobs(database.db, acme, { cursor: 'bm9wZQ' })).rejects.toThrow('cursor');
  });

  it('cancels queued jobs and leaves finished ones as they are', async () => {
    const job = await enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {} });
    const cancelled = await cancelJob(database.db, acme, job.id);
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    expect(cancelled?.finishedAt).not.toBeNull();
    await database.db.updateTable('jobs').set({ status: 'succeeded' }).where('id', '=', job.id).execute();
    expect((await cancelJob(database.db, acme, job.id))?.status).toBe('succeeded');
  });

  it('refuses payloads it cannot store and prunes finished jobs', async () => {
    await expect(
      enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: 'x'.repeat(70_000) }),
    ).rejects.toThrow('larger than');
    await expect(
      enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {}, maxAttempts: 0 }),
    ).rejects.toThrow('maxAttempts');
    const done = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'ci',
      payload: {},
      idempotencyKey: 'once',
    });
    const open = await enqueueJob(database.db, { accountId: acme, kind: 'ci', payload: {} });
    await cancelJob(database.db, acme, done.id);
    expect(await pruneJobs(database.db, new Date(Date.now() + 1000))).toBe(1);
    expect(await findJob(database.db, acme, open.id)).toBeDefined();
    const fresh = await enqueueJob(database.db, {
      accountId: acme,
      kind: 'ci',
      payload: {},
      idempotencyKey: 'once',
    });
    expect(fresh.id).not.toBe(done.id);
  });
});
