import { afterEach, expect, it } from 'vitest';
import { enqueueJob, findJob } from '../../src/jobs/index.js';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../helpers/database.js';
import { startCounter, type Counter } from './processes/counter.js';
import { countJobs, eventually, workerEnv } from './processes/process-env.js';
import { spawnWorker, type WorkerProcess } from './processes/spawn-worker.js';
import { twoAccounts } from './fixtures.js';

const jobCount = 500;
const killAt = 200;
const concurrency = 4;

describeEachEngine('a worker process killed with SIGKILL in the middle of a batch', (engine) => {
  let database: TestDatabase | undefined;
  let counter: Counter | undefined;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.child.kill('SIGKILL');
    await counter?.close();
    await database?.close();
  });

  it(`does each of ${jobCount} jobs exactly once once it is started again`, async () => {
    database = await createTestDatabase(engine);
    const { acme } = await twoAccounts(database.db);
    const ids: string[] = [];
    for (let n = 0; n < jobCount; n += 1) {
      ids.push((await enqueueJob(database.db, { accountId: acme, kind: 'test.hit', payload: { n } })).id);
    }
    // The counter kills the first worker as the 200th job's call arrives: the effect has happened, the job's
    // outcome will never be written.
    let killedKey: string | undefined;
    counter = await startCounter((hit, self) => {
      const first = workers[0];
      if (!killedKey && first && hit.pid === first.pid && self.applied.size === killAt) {
        killedKey = hit.key;
        first.child.kill('SIGKILL');
        return 'drop';
      }
      return 'answer';
    });
    const env = workerEnv(database, {
      COUNTER_URL: counter.url,
      LEASE_MS: '1000',
      POLL_MS: '20',
      SCM_CONNECT_WORKER_CONCURRENCY: String(concurrency),
    });

    const first = spawnWorker(env);
    workers.push(first);
    expect(await first.exited).toBe('SIGKILL');
    expect(killedKey).toBeDefined();
    expect(await countJobs(database.db, 'test.hit', 'succeeded')).toBeLessThan(jobCount);

    const second = spawnWorker(env);
    workers.push(second);
    await eventually(async () => (await countJobs(database!.db, 'test.hit', 'succeeded')) === jobCount);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Every job's effect happened, once: the counter applied each key, and only the calls of the jobs the kill
    // caught in flight were sent again (and absorbed by their idempotency key).
    expect([...counter.applied].sort()).toEqual([...ids].sort());
    const repeated = ids.filter((id) => counter!.callsFor(id) > 1);
    expect(repeated).toContain(killedKey);
    expect(repeated.length).toBeLessThanOrEqual(concurrency);
    expect(ids.every((id) => counter!.callsFor(id) <= 2)).toBe(true);
    expect(counter.hits).toHaveLength(jobCount + repeated.length);
    expect(counter.hits.filter((hit) => hit.pid === first.pid).length).toBeGreaterThanOrEqual(killAt);
    expect(counter.hits.some((hit) => hit.pid === second.pid)).toBe(true);
    const killed = await findJob(database.db, acme, killedKey!);
    expect(killed).toMatchObject({ status: 'succeeded', attempts: 2, result: { pid: second.pid } });
  }, 120_000);
});
