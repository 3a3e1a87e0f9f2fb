import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { dropSchema, testPostgresUrl, uniqueSchema } from '../helpers/database.js';

const url = testPostgresUrl();

describe.runIf(url)('closing a PostgreSQL database', () => {
  it('ends a transaction that never finishes instead of waiting for it forever', async () => {
    const schema = uniqueSchema();
    const handle = await openDatabase({ databaseUrl: url, dataDir: '.', schema, closeGraceMs: 200 });
    try {
      await migrateToLatest(handle);
      let started!: () => void;
      const inside = new Promise<void>((resolve) => (started = resolve));
      const stuck = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        started();
        // Holds its connection until the server ends it.
        await sql`select pg_sleep(3600)`.execute(trx);
      });
      const outcome = stuck.then(
        () => 'finished',
        () => 'ended',
      );
      await inside;
      await handle.close();
      expect(await outcome).toBe('ended');
    } finally {
      await dropSchema(url!, schema);
    }
  });

  it('ends even when a holder of a connection waits on something else than a query, forever', async () => {
    const schema = uniqueSchema();
    const handle = await openDatabase({ databaseUrl: url, dataDir: '.', schema, closeGraceMs: 200 });
    try {
      await migrateToLatest(handle);
      let started!: () => void;
      const inside = new Promise<void>((resolve) => (started = resolve));
      // A transaction awaiting a call that never answers: its connection is never given back to the pool.
      void handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        started();
        await new Promise<never>(() => undefined);
      });
      await inside;
      // Before closing was bounded this never resolved, and the test timed out.
      await handle.close();
    } finally {
      await dropSchema(url!, schema);
    }
  });
});
