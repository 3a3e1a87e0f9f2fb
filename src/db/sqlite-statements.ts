import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, SqliteDatabase, SqliteStatement } from 'kysely';

type Row = Record<string, unknown>;
type RowBuilder = (values: unknown[]) => Row;

const maxStatements = 500;

export interface SqliteStatements {
  /** What Kysely's SQLite dialect is given as its database. */
  readonly database: SqliteDatabase;
  /**
   * A number that changes whenever a statement that may write runs on this connection (a cache of rows read
   * through it is valid while the number stays the same).
   */
  writeGeneration(): number;
  /**
   * Runs a read at once, without Kysely's executor, when the connection is idle; undefined while a transaction is
   * open on it (its uncommitted writes must not be seen) or rows are being streamed, and the caller then goes
   * through Kysely, which waits.
   */
  readNow<Row>(query: CompiledQuery<Row>): Row[] | undefined;
}

/**
 * The better-sqlite3 connection as Kysely's SQLite dialect sees it, made cheaper on two counts:
 * - each compiled statement is kept and reused (a service runs a small fixed set of queries, and better-sqlite3
 *   compiles on every `prepare`);
 * - rows come from SQLite as arrays and become objects through a builder made once per statement. better-sqlite3
 *   otherwise sets every column through V8's generic property API, which measured as the largest single cost of
 *   an authenticated read (more than SQLite's own work).
 */
export function sqliteStatements(sqlite: BetterSqlite3.Database): SqliteStatements {
  const statements = new Map<string, SqliteStatement>();
  const connection: ConnectionState = { generation: 0, openStreams: 0 };
  const prepare = (source: string) => {
    let statement = statements.get(source);
    if (!statement) {
      if (statements.size >= maxStatements) statements.clear();
      statement = wrap(sqlite.prepare(source), connection);
      statements.set(source, statement);
    }
    return statement;
  };
  return {
    writeGeneration: () => connection.generation,
    readNow: <Row>(query: CompiledQuery<Row>) =>
      sqlite.inTransaction || connection.openStreams > 0
        ? undefined
        : (prepare(query.sql).all(query.parameters) as Row[]),
    database: { close: () => sqlite.close(), prepare },
  };
}

interface ConnectionState {
  generation: number;
  /** Rows being streamed: better-sqlite3 runs nothing else on the connection meanwhile. */
  openStreams: number;
}

// Parameters pass as one array, as Kysely's own driver passes them (better-sqlite3 binds its elements).
// `readonly` is SQLite's own verdict; a reader may still write (`insert … returning`).
function wrap(statement: BetterSqlite3.Statement<unknown[]>, connection: ConnectionState): SqliteStatement {
  const writes = !statement.readonly;
  const written = () => void connection.generation++;
  if (!statement.reader) {
    return {
      reader: false,
      all: (parameters) => (written(), statement.all(parameters)),
      run: (parameters) => (written(), statement.run(parameters)),
      iterate: (parameters) => (written(), statement.iterate(parameters)),
    };
  }
  statement.raw(true);
  const build = rowBuilder(statement.columns().map((column) => column.name));
  return {
    reader: true,
    all(parameters) {
      if (writes) written();
      return (statement.all(parameters) as unknown[][]).map(build);
    },
    run(parameters) {
      if (writes) written();
      return statement.run(parameters);
    },
    *iterate(parameters) {
      if (writes) written();
      connection.openStreams++;
      try {
        for (const values of statement.iterate(parameters)) yield build(values as unknown[]);
      } finally {
        connection.openStreams--;
      }
    },
  };
}

/**
 * A function turning a row's values into an object keyed by the column names, in column order (a repeated name
 * keeps the last value, as better-sqlite3 does). It is generated as one object literal, so every row of a
 * statement shares a single shape; the names enter the source only as JSON string literals.
 */
export function rowBuilder(names: readonly string[]): RowBuilder {
  if (names.includes('__proto__')) {
    return (values) => {
      const row: Row = {};
      names.forEach((name, i) =>
        Object.defineProperty(row, name, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return row;
    };
  }
  const fields = names.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ');
  return new Function('values', `return { ${fields} };`) as RowBuilder;
}
