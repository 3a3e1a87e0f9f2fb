import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import { randomUUID } from 'node:crypto';
import { migrationProvider } from './migrations.js';
import { defaultCloseGraceMs, endPool } from './postgres-close.js';
import { prepareSqliteFile } from './sqlite-files.js';
import { fallbackAutoCheckpointPages, startSqliteCheckpointer } from './sqlite-checkpointer.js';
import { sqliteStatements } from './sqlite-statements.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Engine = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** A postgres:// URL; without it the embedded SQLite file under `dataDir` is used. */
  readonly databaseUrl?: string | undefined;
  readonly dataDir: string;
  /** PostgreSQL schema to work in (tests give each run its own); created when missing. */
  readonly schema?: string;
  /** SQLite file name inside dataDir, or `:memory:`. */
  readonly sqliteFile?: string;
  /** Where a warning about the data directory goes (default: a process warning on stderr). */
  readonly onWarning?: (message: string) => void;
  /** PostgreSQL: how long `close` waits for running queries before ending their connections (default 5 s). */
  readonly closeGraceMs?: number;
}

export interface DatabaseHandle {
  readonly db: Db;
  readonly engine: Engine;
  /** The PostgreSQL schema in use when one was named. */
  readonly schema?: string;
  /**
   * SQLite only: changes whenever this process writes through the connection. SQLite means one service
   * process, so a cache validated by it sees every change the service makes at once.
   */
  readonly writeGeneration?: () => number;
  /** SQLite only: a read run at once when the connection is idle (see `sqliteStatements`). */
  readonly readNow?: <Row>(query: CompiledQuery<Row>) => Row[] | undefined;
  close(): Promise<void>;
}

/** Opens the database the configuration names: PostgreSQL when a URL is given, else SQLite (WAL). */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // Loaded only when PostgreSQL is configured, so the embedded default starts faster.
    const { default: pg } = await import('pg');
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error('invalid schema name');
    if (schema) {
      const setup = new pg.Client({ connectionString: options.databaseUrl });
      await setup.connect();
      try {
        await setup.query(`create schema if not exists ${schema}`);
      } finally {
        await setup.end();
      }
    }
    const applicationName = `scm-connect ${randomUUID()}`;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      application_name: applicationName,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // A connection the server ends (a restart, or `close` below) fails the query running on it; without these
    // listeners the same error would also be thrown as an uncaught 'error' event and end the process.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    // Kysely's own destroy would wait for a connection that never comes back; `endPool` bounds that wait.
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: () => Promise.resolve() } }),
    });
    const connectionString = options.databaseUrl;
    return {
      db,
      engine: 'postgres',
      ...(schema ? { schema } : {}),
      close: async () => {
        await db.destroy();
        await endPool(pg, {
          pool,
          connectionString,
          applicationName,
          graceMs: options.closeGraceMs ?? defaultCloseGraceMs,
        });
      },
    };
  }
  const file = options.sqliteFile ?? 'scm-connect.db';
  const warn = options.onWarning ?? ((message: string) => process.emitWarning(message));
  const path = file === ':memory:' ? file : prepareSqliteFile(options.dataDir, file, warn);
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const checkpointer = path === ':memory:' ? undefined : startSqliteCheckpointer(path);
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${fallbackAutoCheckpointPages}`);
  const statements = sqliteStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements.database }) });
  return {
    db,
    engine: 'sqlite',
    writeGeneration: statements.writeGeneration,
    readNow: statements.readNow,
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * Brings the schema to the newest migration; throws with the failing migration's name. With a named
 * PostgreSQL schema the migration bookkeeping lives in that schema too (otherwise Kysely would take another
 * schema's bookkeeping tables for its own).
 */
export async function migrateToLatest(handle: Pick<DatabaseHandle, 'db' | 'schema'>): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider,
    ...(handle.schema ? { migrationTableSchema: handle.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Whether the database answers (for /readyz). */
export async function ping(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
