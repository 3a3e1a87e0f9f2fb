import { sql } from 'kysely';
import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';
import { gitHubAppSecretAad, gitHubAppSecretColumns } from './github-apps.js';
import { gitLabOAuthSecretAad } from './gitlab-oauth-apps.js';
import { ssoSecretAad } from './sso-providers.js';

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

/** The counts of a rewrap pass, kept while it goes. */
interface RewrapTally {
  checked: number;
  rewrapped: number;
  remaining: number;
}

/** The tables with encrypted columns, each row keyed by `id`. */
type SecretTable =
  'connections' | 'webhook_endpoints' | 'github_apps' | 'gitlab_oauth_apps' | 'sso_providers';

/**
 * Re-encrypts one encrypted column of `rows` (read from `table`) under the primary key. Each update is guarded by
 * the old value, so a concurrent change is never overwritten: it stays under its key and counts as remaining.
 */
async function rewrapColumn<
  Column extends string,
  Row extends { readonly id: string } & Record<Column, string | null>,
>(
  db: Db,
  box: SecretBox,
  tally: RewrapTally,
  table: SecretTable,
  column: Column,
  rows: readonly Row[],
  aadOf: (row: Row) => string,
): Promise<void> {
  for (const row of rows) {
    const value: string | null = row[column];
    if (value === null) continue;
    tally.checked += 1;
    if (!box.needsRewrap(value)) continue;
    const aad = aadOf(row);
    const next = box.encrypt(box.decrypt(value, aad), aad);
    const result = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${next}
      where id = ${row.id} and ${sql.ref(column)} = ${value}`.execute(db);
    if (Number(result.numAffectedRows ?? 0) > 0) tally.rewrapped += 1;
    else tally.remaining += 1;
  }
}

/**
 * Re-encrypts every stored secret under the primary key, row by row, each update guarded by the old value so
 * a concurrent change is never overwritten. Every encrypted column of the schema is listed here.
 */
export async function rewrapSecrets(db: Db, box: SecretBox): Promise<RewrapResult> {
  const tally: RewrapTally = { checked: 0, rewrapped: 0, remaining: 0 };
  const connections = await db
    .selectFrom('connections')
    .select(['id', 'account_id', 'token_encrypted'])
    .execute();
  await rewrapColumn(db, box, tally, 'connections', 'token_encrypted', connections, (row) =>
    connectionTokenAad(row.account_id, row.id),
  );
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'account_id', 'secret_encrypted', 'signing_secret_encrypted'])
    .execute();
  for (const [column, which] of [
    ['secret_encrypted', 'secret'],
    ['signing_secret_encrypted', 'signing-secret'],
  ] as const) {
    await rewrapColumn(db, box, tally, 'webhook_endpoints', column, endpoints, (row) =>
      webhookSecretAad(row.account_id, row.id, which),
    );
  }
  const apps = await db
    .selectFrom('github_apps')
    .select(['id', ...gitHubAppSecretColumns.map(([column]) => column)])
    .execute();
  for (const [column, which] of gitHubAppSecretColumns) {
    await rewrapColumn(db, box, tally, 'github_apps', column, apps, (row) =>
      gitHubAppSecretAad(row.id, which),
    );
  }
  const gitLabApps = await db.selectFrom('gitlab_oauth_apps').select(['id', 'secret_encrypted']).execute();
  await rewrapColumn(db, box, tally, 'gitlab_oauth_apps', 'secret_encrypted', gitLabApps, (row) =>
    gitLabOAuthSecretAad(row.id),
  );
  const ssoProviders = await db
    .selectFrom('sso_providers')
    .select(['id', 'account_id', 'secret_encrypted'])
    .execute();
  await rewrapColumn(db, box, tally, 'sso_providers', 'secret_encrypted', ssoProviders, (row) =>
    ssoSecretAad(row.account_id, row.id),
  );
  return { ...tally };
}
