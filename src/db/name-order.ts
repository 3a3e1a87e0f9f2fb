import { sql, type RawBuilder } from 'kysely';

/**
 * The sort key of a name shown in a list: its lower-case form, so "alpha", "Beta" and "gamma" sort as people
 * read them on both engines (SQLite compares bytes, PostgreSQL by its collation; both agree on lower-case
 * ASCII). List queries order by it, then by the name itself and an id, so equal keys keep a stable order.
 */
export const nameOrder = (column: string): RawBuilder<string> => sql<string>`lower(${sql.ref(column)})`;
