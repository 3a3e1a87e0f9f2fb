import { CompiledQuery, PostgresAdapter } from 'kysely';
import type { Db } from '../../db/database.js';

export type SqlValue = string | number | null;

/**
 * One multi-row `INSERT` written as SQL text with its parameters, skipping Kysely's builder: for hundreds of rows
 * of ~30 columns, building and compiling the query tree cost as much as SQLite's own work. Table, columns and the
 * `tail` (an `on conflict … returning …` clause) are constants of the caller, never input; values are parameters.
 */
export async function bulkInsert<Row = unknown>(
  db: Db,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail = '',
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const parameters: SqlValue[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`bulkInsert into ${table}: a row has the wrong width`);
    const marks: string[] = [];
    for (const value of row) {
      parameters.push(value);
      marks.push(postgres ? `$${parameters.length}` : '?');
    }
    tuples.push(`(${marks.join(', ')})`);
  }
  const text = `insert into ${table} (${columns.join(', ')}) values ${tuples.join(', ')} ${tail}`;
  const result = await db.executeQuery<Row>(CompiledQuery.raw(text, parameters));
  return [...result.rows];
}
