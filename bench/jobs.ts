/**
 * bench/jobs: jobs per second through the queue with a handler that does nothing, so what is measured is the
 * queue itself: claim (one UPDATE per batch, `FOR UPDATE SKIP LOCKED` on PostgreSQL), lease, and the write of
 * each outcome. Runs one worker, then three workers, on SQLite and, when TEST_DATABASE_URL or `--pg URL` is
 * given, on PostgreSQL.
 *
 * "Three workers" are three Worker instances in this process, each with its own database handle (its own
 * PostgreSQL pool of 10, or its own SQLite connection to the same file): they race for the same rows as three
 * processes would, but share one event loop. Each round queues `--jobs` jobs first (not timed), then times the
 * workers from start until every job has succeeded. A job whose handler ran more than once, or a job left
 * unfinished, is marked MISMATCH and makes the script exit non-zero. The median of `--rounds` rounds is shown.
 *
 *   npm run bench:jobs
 *   bash scripts/with-postgres.sh npm run bench:jobs
 *   npx tsx bench/jobs.ts [--jobs 2000] [--rounds 3] [--concurrency 4] [--pg postgres://…]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Engine } from '../src/db/database.js';
import { enqueueJobs, type EnqueueJobInput } from '../src/jobs/jobs.js';
import { createWorker, type JobHandler } from '../src/jobs/worker.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    pg: { type: 'string' },
  },
});
const jobCount = Number(args.jobs);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
if ([jobCount, rounds, concurrency].some((value) => !Number.isInteger(value) || value < 1)) {
  throw new Error('--jobs, --rounds and --concurrency take positive whole numbers.');
}
const postgresUrl = args.pg ?? process.env.TEST_DATABASE_URL;

const kind = 'bench.noop';
const logger = pino({ level: 'silent' });

/** Where one engine's runs keep their data; each round starts from an empty jobs table. */
interface Store {
  readonly engine: Engine;
  open(): Promise<DatabaseHandle>;
  dispose(): Promise<void>;
}

function sqliteStore(): Store {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-bench-jobs-'));
  return {
    engine: 'sqlite',
    open: () => openDatabase({ dataDir }),
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

function postgresStore(databaseUrl: string): Store {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-bench-jobs-'));
  return {
    engine: 'postgres',
    open: () => openDatabase({ databaseUrl, dataDir, schema }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface RoundResult {
  readonly ms: number;
  readonly succeeded: number;
  /** Jobs whose handler ran more than once. */
  readonly repeated: number;
}

/** Queues `jobCount` jobs, then times `workerCount` workers (each on its own handle) until all have succeeded. */
async function runRound(store: Store, admin: DatabaseHandle, workerCount: number): Promise<RoundResult> {
  await admin.db.deleteFrom('jobs').execute();
  const inputs: EnqueueJobInput[] = Array.from({ length: jobCount }, (_, n) => ({
    accountId: null,
    kind,
    payload: { n },
  }));
  // Batches keep each INSERT under SQLite's and PostgreSQL's bound-parameter limits.
  for (let at = 0; at < inputs.length; at += 500) await enqueueJobs(admin.db, inputs.slice(at, at + 500));

  const runs = new Map<string, number>();
  const noop: JobHandler = async (job) => {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    return null;
  };
  const handles = await Promise.all(Array.from({ length: workerCount }, () => store.open()));
  try {
    const workers = handles.map((handle) =>
      createWorker({
        db: handle.db,
        engine: handle.engine,
        handlers: { [kind]: noop },
        concurrency,
        runSchedules: false,
        logger,
      }),
    );
    const started = performance.now();
    await Promise.all(workers.map((worker) => worker.runUntilIdle()));
    const ms = performance.now() - started;
    const row = await admin.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('status', '=', 'succeeded')
      .executeTakeFirstOrThrow();
    const repeated = [...runs.values()].filter((count) => count > 1).length;
    return { ms, succeeded: Number(row.n), repeated };
  } finally {
    await Promise.all(handles.map((handle) => handle.close()));
  }
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Line {
  readonly engine: Engine;
  readonly workers: number;
  readonly jobsPerSecond: number;
  readonly ms: number;
  readonly ok: boolean;
}

async function benchEngine(store: Store): Promise<Line[]> {
  const admin = await store.open();
  const lines: Line[] = [];
  try {
    await migrateToLatest(admin);
    // A warm-up round: JIT, prepared plans and the SQLite page cache, not counted.
    await runRound(store, admin, 1);
    for (const workers of [1, 3]) {
      const results: RoundResult[] = [];
      for (let round = 0; round < rounds; round += 1) results.push(await runRound(store, admin, workers));
      const ms = median(results.map((result) => result.ms));
      const ok = results.every((result) => result.succeeded === jobCount && result.repeated === 0);
      lines.push({ engine: store.engine, workers, ms, jobsPerSecond: (jobCount / ms) * 1000, ok });
    }
  } finally {
    await admin.close();
    await store.dispose();
  }
  return lines;
}

const stores: Store[] = [sqliteStore(), ...(postgresUrl ? [postgresStore(postgresUrl)] : [])];
console.log(
  `bench/jobs: ${jobCount} no-op jobs per round, median of ${rounds} rounds, ${concurrency} jobs at once per ` +
    'worker; three workers = three Worker instances in this process, each with its own database handle',
);
if (!postgresUrl) console.log('PostgreSQL skipped: set TEST_DATABASE_URL or pass --pg URL');
console.log('');
console.log(`${'engine'.padEnd(10)}${'workers'.padStart(8)}${'jobs/s'.padStart(10)}${'ms'.padStart(10)}`);
let failed = false;
for (const store of stores) {
  for (const line of await benchEngine(store)) {
    failed ||= !line.ok;
    console.log(
      `${line.engine.padEnd(10)}${String(line.workers).padStart(8)}` +
        `${Math.round(line.jobsPerSecond).toLocaleString('en-US').padStart(10)}` +
        `${Math.round(line.ms).toLocaleString('en-US').padStart(10)}` +
        (line.ok ? '' : '  MISMATCH: a job ran twice or did not finish'),
    );
  }
}
process.exitCode = failed ? 1 : 0;
