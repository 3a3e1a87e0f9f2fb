import type pg from 'pg';
import { settlesWithin } from '../core/settles-within.js';

/** How long closing waits for queries still running before it ends their connections. */
export const defaultCloseGraceMs = 5_000;

/**
 * Ends a pool: waits up to `graceMs` for checked-out connections to come back, then ends the server sessions of
 * those still out (a transaction that never finishes would otherwise keep `pool.end()` and the process waiting
 * forever). The pool's sessions are found by the unique `application_name` the pool connects with. A connection
 * whose holder awaits something else than a query is not given back even then: after one more `graceMs` the
 * pool is left to the holder, its server sessions already ended.
 */
export async function endPool(
  pg_: Pick<typeof pg, 'Client'>,
  input: { pool: pg.Pool; connectionString: string; applicationName: string; graceMs: number },
): Promise<void> {
  const ended = input.pool.end();
  if (await settlesWithin(ended, input.graceMs)) return ended;
  const admin = new pg_.Client({ connectionString: input.connectionString });
  await admin.connect();
  try {
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [input.applicationName],
    );
  } finally {
    await admin.end();
  }
  await settlesWithin(ended, input.graceMs);
}
