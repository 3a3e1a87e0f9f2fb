import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';
import { gitHubAppSecretAad, gitHubAppSecretColumns } from './github-apps.js';

/** The associated data that binds a connection's token to its row. */
export const connectionTokenAad = (accountId: string, connectionId: string) =>
  `account:${accountId}:connection:${connectionId}:token`;

/** The associated data that binds a webhook endpoint's secret (or GitLab signing token) to its row. */
export const webhookSecretAad = (accountId: string, endpointId: string, which: 'secret' | 'signing-secret') =>
  `account:${accountId}:webhook-endpoint:${endpointId}:${which}`;

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
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'account_id', 'secret_encrypted', 'signing_secret_encrypted'])
    .execute();
  const endpointColumns = [
    ['secret_encrypted', 'secret'],
    ['signing_secret_encrypted', 'signing-secret'],
  ] as const;
  for (const row of endpoints) {
    for (const [column, which] of endpointColumns) {
      const value = row[column];
      if (value === null) continue;
      checked += 1;
      if (!box.needsRewrap(value)) continue;
      const aad = webhookSecretAad(row.account_id, row.id, which);
      const result = await db
        .updateTable('webhook_endpoints')
        .set({ [column]: box.encrypt(box.decrypt(value, aad), aad) })
        .where('id', '=', row.id)
        .where(column, '=', value)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) rewrapped += 1;
      else remaining += 1;
    }
  }
  const apps = await db
    .selectFrom('github_apps')
    .select(['id', ...gitHubAppSecretColumns.map(([column]) => column)])
    .execute();
  for (const row of apps) {
    for (const [column, which] of gitHubAppSecretColumns) {
      const value = row[column];
      checked += 1;
      if (!box.needsRewrap(value)) continue;
      const aad = gitHubAppSecretAad(row.id, which);
      const result = await db
        .updateTable('github_apps')
        .set({ [column]: box.encrypt(box.decrypt(value, aad), aad) })
        .where('id', '=', row.id)
        .where(column, '=', value)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) rewrapped += 1;
      else remaining += 1;
    }
  }
  return { checked, rewrapped, remaining };
}
