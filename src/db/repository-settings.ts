import type { Db } from './database.js';
import { nowIso } from '../core/tokens.js';

export interface RepositoryChanges {
  readonly excluded?: boolean | undefined;
  readonly tags?: readonly string[] | undefined;
}

/** Sets what an admin decides about a repository (excluded from scanning, tags); false when there is none. */
export async function updateRepositorySettings(
  db: Db,
  accountId: string,
  repositoryId: string,
  changes: RepositoryChanges,
): Promise<boolean> {
  const result = await db
    .updateTable('repositories')
    .set({
      ...(changes.excluded === undefined ? {} : { excluded: changes.excluded ? 1 : 0 }),
      ...(changes.tags === undefined ? {} : { tags: JSON.stringify(changes.tags) }),
      updated_at: nowIso(),
    })
    .where('account_id', '=', accountId)
    .where('id', '=', repositoryId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
