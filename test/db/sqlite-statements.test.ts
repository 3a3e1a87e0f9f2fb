import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowBuilder, sqliteStatements, type SqliteStatements } from '../../src/db/sqlite-statements.js';

describe('rowBuilder', () => {
  it('keys values by column name, in column order, the last of a repeated name winning', () => {
    const build = rowBuilder(['a', 'b', 'a']);
    const row = build([1, 'two', 3]);
    expect(row).toEqual({ a: 3, b: 'two' });
    expect(Object.keys(row)).toEqual(['a', 'b']);
  });

  it('takes any name literally, quotes and line breaks included', () => {
    const names = ['say "hi"', 'back\\slash', 'line\nbreak', '\u2028', "it's", '}; process.exit(1); ({'];
    expect(rowBuilder(names)(names.map((_, i) => i))).toEqual(
      Object.fromEntries(names.map((n, i) => [n, i])),
    );
  });

  it('makes __proto__ an own property, never the prototype', () => {
    const row = rowBuilder(['__proto__', 'x'])([{ polluted: true }, 1]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(['__proto__', 'x']);
    expect((row as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('sqliteStatements', () => {
  let dir: string;
  let sqlite: BetterSqlite3.Database;
  let statements: SqliteStatements;
  let db: Kysely<{ t: { id: number; name: string } }>;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'scm-connect-statements-'));
    sqlite = new BetterSqlite3(path.join(dir, 'db.sqlite'));
    statements = sqliteStatements(sqlite);
    db = new Kysely({ dialect: new SqliteDialect({ database: statements.database }) });
    await sql`create table t (id integer primary key, name text not null)`.execute(db);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns rows as plain objects through Kysely, streamed or not', async () => {
    await db
      .insertInto('t')
      .values([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ])
      .execute();
    const rows = await db.selectFrom('t').select(['id', 'name as label']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    const streamed = [];
    for await (const row of db.selectFrom('t').selectAll().orderBy('id').stream()) streamed.push(row);
    expect(streamed).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);
  });

  it('changes the write generation on every statement that may write, and only then', async () => {
    const seen = () => statements.writeGeneration();
    let last = seen();
    const step = async (run: () => Promise<unknown>, writes: boolean) => {
      await run();
      expect(seen() !== last).toBe(writes);
      last = seen();
    };
    await step(() => db.insertInto('t').values({ id: 1, name: 'one' }).execute(), true);
    await step(() => db.selectFrom('t').selectAll().execute(), false);
    await step(() => db.updateTable('t').set({ name: 'uno' }).where('id', '=', 1).execute(), true);
    await step(() => db.insertInto('t').values({ id: 2, name: 'two' }).returning('id').execute(), true);
    await step(() => db.deleteFrom('t').where('id', '=', 2).returning('name').execute(), true);
    await step(() => db.updateTable('t').set({ name: 'x' }).where('id', '=', 99).execute(), true);
    await step(() => db.selectFrom('t').select('name').where('id', '=', 1).execute(), false);
  });

  it('reads at once while the connection is idle, and not while a transaction is open or rows stream', async () => {
    await db.insertInto('t').values({ id: 1, name: 'one' }).execute();
    const read = CompiledQuery.raw('select name from t order by id') as CompiledQuery<{ name: string }>;
    expect(statements.readNow(read)).toEqual([{ name: 'one' }]);
    let inside: { name: string }[] | undefined = [];
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t').values({ id: 2, name: 'uncommitted' }).execute();
        inside = statements.readNow(read);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(inside).toBeUndefined();
    expect(statements.readNow(read)).toEqual([{ name: 'one' }]);

    await db.insertInto('t').values({ id: 3, name: 'three' }).execute();
    const duringStream = [];
    for await (const row of db.selectFrom('t').select('id').orderBy('id').stream()) {
      duringStream.push(statements.readNow(read));
      expect(row.id).toBeGreaterThan(0);
    }
    expect(duringStream).toEqual([undefined, undefined]);
    expect(statements.readNow(read)).toHaveLength(2);
  });
});
