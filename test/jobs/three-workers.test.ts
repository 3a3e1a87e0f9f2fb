import { afterEach, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../src/jobs/index.js';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../helpers/database.js';
import { startCounter, type Counter } from './processes/counter.js';
import { countJobs, eventually, workerEnv } from './processes/process-env.js';
import { spawnWorker, type WorkerProcess } from './processes/spawn-worker.js';
import { twoAccounts } from './fixtures.js';

const jobCount = 600;
const processCount = 3;
const tickSlots = 3;

describe.skipIf(!testPostgresUrl())('three worker processes on one PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let counter: Counter | undefined;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
    await counter?.close();
    await database?.close();
  });

  it('run every job once between them, all finish, and each schedule slot fires once', async () => {
    database = await createTestDatabase('postgres');
    const { acme } = await twoAccounts(database.db);
    // Calls are held until every process has made one, so all three are working at the same time.
    const pids = new Set<number>();
    counter = await startCounter((hit, self) => {
      pids.add(hit.pid);
      if (pids.size < processCount) return 'hold';
      self.releaseHeld();
      return 'answer';
    });
    const env = workerEnv(database, {
      COUNTER_URL: counter.url,
      POLL_MS: '20',
      TICK_EVERY_MS: '1000',
      SCM_CONNECT_WORKER_CONCURRENCY: '4',
    });
    for (let n = 0; n < processCount; n += 1) workers.push(spawnWorker(env));
    await Promise.all(workers.map((worker) => worker.ready));
    const ids: string[] = [];
    for (let n = 0; n < jobCount; n += 1) {
      ids.push((await enqueueJob(database.db, { accountId: acme, kind: 'test.hit', payload: { n } })).id);
    }
    const tickHits = () => counter!.hits.filter((hit) => hit.slot?.startsWith('schedule:test.tick:'));
    await eventually(
      async () =>
        (await countJobs(database!.db, 'test.hit', 'succeeded')) >= jobCount + tickSlots &&
        new Set(tickHits().map((hit) => hit.slot)).size >= tickSlots,
    );
    for (const worker of workers) worker.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0]);

    // No job ran twice: one call per job, and every process took part.
    expect(ids.every((id) => counter!.callsFor(id) === 1)).toBe(true);
    expect(new Set(counter.hits.map((hit) => hit.key)).size).toBe(counter.hits.length);
    for (const worker of workers) expect(counter.hits.some((hit) => hit.pid === worker.pid)).toBe(true);
    // All finished.
    const unfinished = await database.db
      .selectFrom('jobs')
      .select(['kind', 'status'])
      .where('status', 'not in', ['succeeded'])
      .execute();
    expect(unfinished).toEqual([]);
    // Each slot of the test schedule ran once, and so did each slot of the service's own schedules.
    const slots = tickHits().map((hit) => hit.slot);
    expect(new Set(slots).size).toBe(slots.length);
    const scheduled = await database.db
      .selectFrom('jobs')
      .select(['idempotency_key', 'status'])
      .where('idempotency_key', 'like', 'schedule:%')
      .where('idempotency_key', 'not like', 'schedule:test.tick:%')
      .execute();
    // A slot is the key's tail; the run may cross an hour, so a schedule may have had two slots.
    const keys = scheduled.map((job) => job.idempotency_key!);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys.map((key) => key.split(':')[1]))).toEqual(
      new Set([
        'connections.sync',
        'connections.token-expiry',
        'connections.webhook-health',
        'github.redeliver-failed',
        'housekeeping',
        'membership.reconcile',
      ]),
    );
  }, 120_000);
});
