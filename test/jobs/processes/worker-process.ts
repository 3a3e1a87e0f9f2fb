/**
 * A worker process for the multi-process tests: `scm-connect worker` (the same `runWorker`) with one more job
 * kind, `test.hit`, whose side effect is an HTTP call to the test's counter. The call carries the job id as its
 * `Idempotency-Key`, as a real API call that must not happen twice would. Optionally registers a `test.tick`
 * schedule, every TICK_EVERY_MS, whose jobs hit the counter with their slot.
 *
 * Environment: the service's own variables (DATABASE_URL or SCM_CONNECT_DATA_DIR, SCM_CONNECT_MASTER_KEY, …),
 * plus COUNTER_URL, TEST_SCHEMA (PostgreSQL schema), LEASE_MS, POLL_MS and TICK_EVERY_MS.
 */
import { loadConfig } from '../../../src/config/config.js';
import { runWorker } from '../../../src/cli/worker.js';
import { openDatabase } from '../../../src/db/database.js';
import { scheduleEvery, type JobHandler } from '../../../src/jobs/index.js';

const counterUrl = process.env.COUNTER_URL;
if (!counterUrl) throw new Error('COUNTER_URL is not set');
const schema = process.env.TEST_SCHEMA;
const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

const hit: JobHandler = async (job) => {
  const response = await fetch(`${counterUrl}/hit`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': job.id,
      'x-worker-pid': String(process.pid),
    },
    body: JSON.stringify({ payload: job.payload, slot: job.idempotencyKey }),
  });
  if (!response.ok) throw new Error(`the counter answered ${response.status}`);
  return { pid: process.pid };
};

const config = loadConfig(process.env);
const tickEveryMs = number('TICK_EVERY_MS');
if (tickEveryMs) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(schema ? { schema } : {}),
  });
  await scheduleEvery(database.db, { name: 'test.tick', kind: 'test.hit', everyMs: tickEveryMs });
  await database.close();
}
const leaseMs = number('LEASE_MS');
const pollIntervalMs = number('POLL_MS');
process.exitCode = await runWorker(config, {
  extraHandlers: { 'test.hit': hit },
  ...(schema ? { schema } : {}),
  ...(leaseMs ? { leaseMs } : {}),
  ...(pollIntervalMs ? { pollIntervalMs } : {}),
});
