import { afterEach, beforeEach, expect, it } from 'vitest';
import { enqueueSync, syncJobKind } from '../../src/connections/service.js';
import { createWorker, listJobs } from '../../src/jobs/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { deferred, silentLogger, twoAccounts } from './fixtures.js';

const connectionId = '00000000-0000-4000-8000-0000000000c1';

describeEachEngine('Sync now', (engine) => {
  let database: TestDatabase;
  let acme: string;
  beforeEach(async () => {
    database = await createTestDatabase(engine);
    ({ acme } = await twoAccounts(database.db));
  });
  afterEach(() => database.close());

  const syncs = async () =>
    (await listJobs(database.db, acme, { kind: syncJobKind, connectionId })).jobs.map((job) => job.status);

  it('answers the sync still queued instead of queuing another', async () => {
    const first = await enqueueSync(database.db, acme, connectionId, 'connect');
    const again = await enqueueSync(database.db, acme, connectionId, 'manual');
    expect(again.id).toBe(first.id);
    expect(await syncs()).toEqual(['queued']);
  });

  it('queues one sync for many callers at once', async () => {
    const jobs = await Promise.all(
      Array.from({ length: 12 }, () => enqueueSync(database.db, acme, connectionId, 'manual')),
    );
    expect(new Set(jobs.map((job) => job.id)).size).toBe(1);
    expect(await syncs()).toEqual(['queued']);
  });

  it('queues a new sync once the queued one runs, and then answers that one', async () => {
    const running = deferred();
    const release = deferred();
    const worker = createWorker({
      db: database.db,
      engine,
      concurrency: 1,
      runSchedules: false,
      logger: silentLogger(),
      handlers: {
        [syncJobKind]: async () => {
          running.resolve();
          await release.promise;
        },
      },
    });
    const first = await enqueueSync(database.db, acme, connectionId, 'connect');
    const done = worker.runUntilIdle();
    await running.promise;
    const second = await enqueueSync(database.db, acme, connectionId, 'manual');
    const third = await enqueueSync(database.db, acme, connectionId, 'manual');
    expect(second.id).not.toBe(first.id);
    expect(third.id).toBe(second.id);
    expect(await syncs()).toEqual(['queued', 'running']);
    release.resolve();
    await done;
    expect(await syncs()).toEqual(['succeeded', 'succeeded']);
    const fourth = await enqueueSync(database.db, acme, connectionId, 'manual');
    expect([first.id, second.id]).not.toContain(fourth.id);
  });

  it('keeps the queued syncs of two connections apart', async () => {
    const other = '00000000-0000-4000-8000-0000000000c2';
    const a = await enqueueSync(database.db, acme, connectionId, 'manual');
    const b = await enqueueSync(database.db, acme, other, 'manual');
    expect(b.id).not.toBe(a.id);
    expect((await enqueueSync(database.db, acme, other, 'manual')).id).toBe(b.id);
  });
});
