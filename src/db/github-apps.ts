import { randomUUID } from 'node:crypto';
import type { GitHubAppCredentials } from '../scm/github/app-credentials.js';
import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';
import type { GitHubAppsTable } from './schema.js';

export type GitHubAppRow = GitHubAppsTable;

export type GitHubAppSecret = 'private-key' | 'webhook-secret' | 'client-secret';

/** The associated data that binds one secret of a stored GitHub App to its row. */
export const gitHubAppSecretAad = (appRowId: string, which: GitHubAppSecret) =>
  `github-app:${appRowId}:${which}`;

/** The encrypted columns of `github_apps`, with the name of the secret each holds. */
export const gitHubAppSecretColumns = [
  ['private_key_encrypted', 'private-key'],
  ['webhook_secret_encrypted', 'webhook-secret'],
  ['client_secret_encrypted', 'client-secret'],
] as const;

/** What the manifest conversion gave, to be stored; secrets are encrypted here, bound to the new row. */
export interface NewGitHubApp {
  /** Null for the instance's app on github.com; the account of a GitHub Enterprise Server app. */
  readonly accountId: string | null;
  /** The GitHub Enterprise Server connection the app is for; null for the instance's app. */
  readonly connectionId: string | null;
  readonly webUrl: string;
  readonly apiUrl: string;
  readonly appId: string;
  readonly slug: string;
  readonly name: string;
  readonly owner: string | null;
  readonly clientId: string;
  readonly permissions: Readonly<Record<string, string>>;
  readonly events: readonly string[];
  readonly privateKey: string;
  readonly webhookSecret: string;
  readonly clientSecret: string;
  readonly createdBy: string | null;
}

export async function insertGitHubApp(db: Db, secrets: SecretBox, app: NewGitHubApp): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await db
    .insertInto('github_apps')
    .values({
      id,
      account_id: app.accountId,
      connection_id: app.connectionId,
      web_url: app.webUrl,
      api_url: app.apiUrl,
      app_id: app.appId,
      slug: app.slug,
      name: app.name,
      owner: app.owner,
      client_id: app.clientId,
      permissions: JSON.stringify(app.permissions),
      events: JSON.stringify(app.events),
      private_key_encrypted: secrets.encrypt(app.privateKey, gitHubAppSecretAad(id, 'private-key')),
      webhook_secret_encrypted: secrets.encrypt(app.webhookSecret, gitHubAppSecretAad(id, 'webhook-secret')),
      client_secret_encrypted: secrets.encrypt(app.clientSecret, gitHubAppSecretAad(id, 'client-secret')),
      created_by: app.createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** The instance's stored app on `webUrl` (github.com), the newest when several were registered. */
export const findInstanceAppRow = (db: Db, webUrl: string) =>
  db
    .selectFrom('github_apps')
    .selectAll()
    .where('account_id', 'is', null)
    .where('web_url', '=', webUrl)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();

/** The app of a GitHub Enterprise Server connection, with the connection's CA certificate. */
export const findConnectionAppRow = (db: Db, accountId: string, connectionId: string) =>
  db
    .selectFrom('github_apps')
    .innerJoin('connections', 'connections.id', 'github_apps.connection_id')
    .selectAll('github_apps')
    .select('connections.ca_pem')
    .where('github_apps.account_id', '=', accountId)
    .where('github_apps.connection_id', '=', connectionId)
    .executeTakeFirst();

/** A stored app by its web root and numeric id, with the CA certificate of its connection (if any). */
export const findAppRow = (db: Db, webUrl: string, appId: string) =>
  db
    .selectFrom('github_apps')
    .leftJoin('connections', 'connections.id', 'github_apps.connection_id')
    .selectAll('github_apps')
    .select('connections.ca_pem')
    .where('github_apps.web_url', '=', webUrl)
    .where('github_apps.app_id', '=', appId)
    .executeTakeFirst();

/** A stored app's credentials, its secrets decrypted for the call at hand. */
export function credentialsOfRow(
  row: GitHubAppRow,
  secrets: SecretBox,
  caPem?: string | null,
): GitHubAppCredentials {
  return {
    webUrl: new URL(row.web_url),
    apiUrl: new URL(row.api_url),
    appId: row.app_id,
    slug: row.slug,
    clientId: row.client_id,
    privateKey: secrets.decrypt(row.private_key_encrypted, gitHubAppSecretAad(row.id, 'private-key')),
    webhookSecret: secrets.decrypt(
      row.webhook_secret_encrypted,
      gitHubAppSecretAad(row.id, 'webhook-secret'),
    ),
    clientSecret: secrets.decrypt(row.client_secret_encrypted, gitHubAppSecretAad(row.id, 'client-secret')),
    ...(caPem ? { caPem } : {}),
  };
}
