import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../secrets/index.js';
import type { Db } from './database.js';
import type { GitLabOAuthAppsTable } from './schema.js';

/** The associated data that binds an OAuth application's secret to its row. */
export const gitLabOAuthSecretAad = (appId: string) => `gitlab-oauth-app:${appId}:secret`;

/** What may be shown of an application: never its secret. */
export interface GitLabOAuthAppView {
  readonly id: string;
  readonly webUrl: string;
  readonly applicationId: string;
  readonly caCertificate: string | null;
  readonly createdAt: string;
}

/** The settings an instance admin gives; `secret` is sealed before it is stored. */
export interface GitLabOAuthAppInput {
  /** The instance's web root without a trailing slash. */
  readonly webUrl: string;
  readonly applicationId: string;
  readonly secret: string;
  readonly caCertificate: string | null;
}

const viewColumns = [
  'id',
  'web_url as webUrl',
  'application_id as applicationId',
  'ca_certificate as caCertificate',
  'created_at as createdAt',
] as const;

export async function insertGitLabOAuthApp(
  db: Db,
  secrets: SecretBox,
  input: GitLabOAuthAppInput & { readonly createdBy: string | null },
): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await db
    .insertInto('gitlab_oauth_apps')
    .values({
      id,
      web_url: input.webUrl,
      application_id: input.applicationId,
      secret_encrypted: secrets.encrypt(input.secret, gitLabOAuthSecretAad(id)),
      ca_certificate: input.caCertificate,
      created_by: input.createdBy,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/** Every application, oldest first. */
export const listGitLabOAuthApps = (db: Db): Promise<GitLabOAuthAppView[]> =>
  db.selectFrom('gitlab_oauth_apps').select(viewColumns).orderBy('created_at').orderBy('id').execute();

export const findGitLabOAuthApp = (db: Db, id: string): Promise<GitLabOAuthAppView | undefined> =>
  db.selectFrom('gitlab_oauth_apps').select(viewColumns).where('id', '=', id).executeTakeFirst();

/** Replaces an application's settings; the secret only when one is given. False when there is no such row. */
export async function updateGitLabOAuthApp(
  db: Db,
  secrets: SecretBox,
  id: string,
  input: Omit<GitLabOAuthAppInput, 'secret'> & { readonly secret?: string },
): Promise<boolean> {
  const result = await db
    .updateTable('gitlab_oauth_apps')
    .set({
      web_url: input.webUrl,
      application_id: input.applicationId,
      ca_certificate: input.caCertificate,
      ...(input.secret === undefined
        ? {}
        : { secret_encrypted: secrets.encrypt(input.secret, gitLabOAuthSecretAad(id)) }),
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteGitLabOAuthApp(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('gitlab_oauth_apps').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** An application with its secret decrypted, for the token exchange at hand. */
export async function gitLabOAuthCredentials(
  db: Db,
  secrets: SecretBox,
  id: string,
): Promise<(GitLabOAuthAppView & { readonly secret: string }) | undefined> {
  const row: GitLabOAuthAppsTable | undefined = await db
    .selectFrom('gitlab_oauth_apps')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    webUrl: row.web_url,
    applicationId: row.application_id,
    caCertificate: row.ca_certificate,
    createdAt: row.created_at,
    secret: secrets.decrypt(row.secret_encrypted, gitLabOAuthSecretAad(row.id)),
  };
}
