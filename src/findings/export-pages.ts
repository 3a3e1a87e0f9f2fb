import type { Db } from '../db/database.js';
import { listFindingRows, type FindingFilter, type FindingRow } from './finding-query.js';

const pageSize = 500;

/** Every finding matching `filter`, page by page in listing order: an export holds one page in memory at a time. */
export async function* findingPages(
  db: Db,
  accountId: string,
  filter: FindingFilter,
): AsyncGenerator<FindingRow[]> {
  let after: { rank: number; id: string } | undefined;
  for (;;) {
    const rows = await listFindingRows(db, accountId, filter, { limit: pageSize, after });
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    after = { rank: Number(last.rank), id: last.id };
  }
}
