import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../../../src/db/database.js';
import type { TestDatabase } from '../../helpers/database.js';

/** What a worker process needs to reach `database` and the counter. */
export const workerEnv = (database: TestDatabase, extra: Record<string, string>): Record<string, string> => ({
  SCM_CONNECT_DATA_DIR: database.location.dataDir,
  ...(database.location.databaseUrl ? { DATABASE_URL: database.location.databaseUrl } : {}),
  ...(database.location.schema ? { TEST_SCHEMA: database.location.schema } : {}),
  ...extra,
});

/** Waits until `condition` holds, looking again every 50 ms; the test's timeout bounds the wait. */
export async function eventually(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(50);
}

/** How many jobs of `kind` have `status`. */
export async function countJobs(db: Db, kind: string, status: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('kind', '=', kind)
    .where('status', '=', status as 'succeeded')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
