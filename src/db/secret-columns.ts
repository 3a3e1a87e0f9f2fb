import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';

/** The associated data that binds a connection's token to its row. */
export const connectionTokenAad = (accountId: string, connectionId: string) =>
  `account:${accountId}:connection:${connectionId}:token`;

export interface RewrapResult {
  readonly checked: number;
  readonly rewrapped: number;
  /** Values still under another key than the primary after the pass (written concurrently). */
  readonly remaining: number;
}

/**
 * Re-encrypts every stored secret under the primary key, row by row, each update guarded by the old value so
 * a concurrent change is never overwritten. Every encrypted column of the schema is listed here.
 */
export async function rewrapSecrets(db: Db, box: SecretBox): Promise<RewrapResult> {
  let checked = 0;
  let rewrapped = 0;
  let remaining = 0;
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'account_id', 'token_encrypted'])
    .where('token_encrypted', 'is not', null)
    .execute();
  for (const row of rows) {
    const value = row.token_encrypted!;
    checked += 1;
    if (!box.needsRewrap(value)) continue;
    const aad = connectionTokenAad(row.account_id, row.id);
    const next = box.encrypt(box.decrypt(value, aad), aad);
    const result = await db
      .updateTable('connections')
      .set({ token_encrypted: next })
      .where('id', '=', row.id)
      .where('token_encrypted', '=', value)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) rewrapped += 1;
    else remaining += 1;
  }
  return { checked, rewrapped, remaining };
}
