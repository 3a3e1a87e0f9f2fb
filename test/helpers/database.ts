import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Engine } from '../../src/db/database.js';

/** PostgreSQL for tests: TEST_DATABASE_URL. CI sets it and REQUIRE_POSTGRES=1 so it can never be skipped there. */
export const testPostgresUrl = (): string | undefined => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url && process.env.REQUIRE_POSTGRES === '1')
    throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');
  return url;
};

/** The engines storage tests run on: SQLite always, PostgreSQL when it is configured. */
export const testEngines = (): Engine[] => (testPostgresUrl() ? ['sqlite', 'postgres'] : ['sqlite']);

/** The engine whole-service tests use: PostgreSQL when configured, else SQLite. */
export const serviceEngine = (): Engine => (testPostgresUrl() ? 'postgres' : 'sqlite');

export interface TestDatabase extends DatabaseHandle {
  /** The PostgreSQL schema or SQLite directory that holds this database. */
  readonly location: { dataDir: string; databaseUrl?: string; schema?: string };
}

export const uniqueSchema = () => `t_${randomBytes(6).toString('hex')}`;

/** A fresh, migrated database of `engine` that `close()` throws away. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'scm-connect-db-'));
  if (engine === 'postgres') {
    const databaseUrl = testPostgresUrl();
    if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set');
    const schema = uniqueSchema();
    const handle = await openDatabase({ databaseUrl, dataDir, schema });
    await migrateToLatest(handle);
    return {
      ...handle,
      location: { dataDir, databaseUrl, schema },
      close: async () => {
        await handle.close();
        await dropSchema(databaseUrl, schema);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const handle = await openDatabase({ dataDir });
  await migrateToLatest(handle);
  return {
    ...handle,
    location: { dataDir },
    close: async () => {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A lock that is never given up fails here with PostgreSQL's own message instead of a silent hook timeout.
    await client.query(`set lock_timeout = '20s'`);
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** `describe` once per engine, naming it, for storage tests. */
export function describeEachEngine(name: string, body: (engine: Engine) => void): void {
  for (const engine of testEngines()) describe(`${name} [${engine}]`, () => body(engine));
}
