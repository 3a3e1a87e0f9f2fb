import type { Compilable, CompiledQuery } from 'kysely';
import type { DatabaseHandle } from './database.js';

/** The database a prepared query runs on; `readNow` (SQLite) skips Kysely's executor when the connection is idle. */
export type PreparedTarget = Pick<DatabaseHandle, 'db' | 'readNow'>;

/**
 * A query on a hot path, built and compiled once: each call only swaps its arguments into the compiled
 * parameters. Building and compiling a Kysely query costs more than running it on SQLite, so the few queries
 * every request makes (session, role, the member list) are prepared this way; the rest are built per call.
 * Only for reads: `readNow` runs them outside Kysely's connection lock.
 */
export function prepareQuery<Args extends readonly unknown[], Row>(
  { db, readNow }: PreparedTarget,
  arity: Args['length'],
  build: (...markers: string[]) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  const markers = Array.from({ length: arity }, (_, i) => `\u0000prepared-argument-${i}\u0000`);
  const compiled: CompiledQuery<Row> = build(...markers).compile();
  const slots = compiled.parameters.map((value) => markers.indexOf(value as string));
  if (markers.some((_, i) => !slots.includes(i))) throw new Error('a prepared query must use every argument');
  return async (...args) => {
    const parameters = compiled.parameters.map((value, i) => (slots[i]! >= 0 ? args[slots[i]!] : value));
    const query = { ...compiled, parameters };
    return readNow?.(query) ?? (await db.executeQuery<Row>(query)).rows;
  };
}
