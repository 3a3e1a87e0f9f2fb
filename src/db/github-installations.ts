import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { GitHubInstallationsTable } from './schema.js';

export type GitHubInstallationRow = GitHubInstallationsTable;

/** The app an installation belongs to: its web root and numeric id. */
export interface AppKey {
  readonly webUrl: string;
  readonly appId: string;
}

/** Every account's link of one installation, removed ones included. */
export const linksOfInstallation = (db: Db, app: AppKey, installationId: string) =>
  db
    .selectFrom('github_installations')
    .selectAll()
    .where('web_url', '=', app.webUrl)
    .where('app_id', '=', app.appId)
    .where('installation_id', '=', installationId)
    .execute();

/**
 * A connection's installations, oldest first: the one of a GitHub connection (with those GitHub removed before
 * it was installed again), every one of a GitHub Enterprise Server connection's app.
 */
export const installationsOfConnection = (db: Db, accountId: string, connectionId: string) =>
  db
    .selectFrom('github_installations')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('connection_id', '=', connectionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export interface NewInstallationLink {
  readonly accountId: string;
  readonly connectionId: string;
  readonly app: AppKey;
  readonly installationId: string;
  readonly target: { readonly id: string; readonly login: string; readonly type: 'Organization' | 'User' };
  readonly repositorySelection: 'all' | 'selected';
  readonly linkedByUserId: string | null;
  readonly linkedByGitHubUserId: string;
  readonly suspendedAt: string | null;
  readonly now: string;
}

export async function insertInstallationLink(db: Db, link: NewInstallationLink): Promise<void> {
  await db
    .insertInto('github_installations')
    .values({
      id: randomUUID(),
      account_id: link.accountId,
      connection_id: link.connectionId,
      web_url: link.app.webUrl,
      app_id: link.app.appId,
      installation_id: link.installationId,
      target_id: link.target.id,
      target_login: link.target.login,
      target_type: link.target.type,
      repository_selection: link.repositorySelection,
      allow_other_accounts: 0,
      linked_by_user_id: link.linkedByUserId,
      linked_by_github_user_id: link.linkedByGitHubUserId,
      suspended_at: link.suspendedAt,
      removed_at: null,
      created_at: link.now,
      updated_at: link.now,
    })
    .execute();
}

/** What GitHub says of an installation now, written to every account's link of it. */
export async function updateInstallationState(
  db: Db,
  app: AppKey,
  installationId: string,
  change: Partial<
    Pick<GitHubInstallationRow, 'repository_selection' | 'suspended_at' | 'removed_at' | 'target_login'>
  >,
  now: string,
): Promise<void> {
  await db
    .updateTable('github_installations')
    .set({ ...change, updated_at: now })
    .where('web_url', '=', app.webUrl)
    .where('app_id', '=', app.appId)
    .where('installation_id', '=', installationId)
    .execute();
}

export async function setAllowOtherAccounts(
  db: Db,
  accountId: string,
  connectionId: string,
  allow: boolean,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('github_installations')
    .set({ allow_other_accounts: allow ? 1 : 0, updated_at: now })
    .where('account_id', '=', accountId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function recordInstallRequest(
  db: Db,
  request: {
    readonly accountId: string;
    readonly userId: string;
    readonly app: AppKey;
    readonly gitHubUser: { readonly id: string; readonly login: string };
    readonly now: Date;
    readonly lifetimeMs: number;
  },
): Promise<void> {
  await db
    .insertInto('github_install_requests')
    .values({
      id: randomUUID(),
      account_id: request.accountId,
      user_id: request.userId,
      web_url: request.app.webUrl,
      app_id: request.app.appId,
      github_user_id: request.gitHubUser.id,
      github_login: request.gitHubUser.login,
      created_at: request.now.toISOString(),
      expires_at: new Date(request.now.getTime() + request.lifetimeMs).toISOString(),
    })
    .execute();
}

export const pendingInstallRequests = (db: Db, accountId: string, now: string) =>
  db
    .selectFrom('github_install_requests')
    .select(['github_login', 'created_at'])
    .where('account_id', '=', accountId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();

/** The newest unexpired request a GitHub user made, of any account: for an `installation.created` with that requester. */
export const installRequestOf = (db: Db, app: AppKey, gitHubUserId: string, now: string) =>
  db
    .selectFrom('github_install_requests')
    .selectAll()
    .where('web_url', '=', app.webUrl)
    .where('app_id', '=', app.appId)
    .where('github_user_id', '=', gitHubUserId)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();

export const deleteInstallRequests = (db: Db, accountId: string, app: AppKey) =>
  db
    .deleteFrom('github_install_requests')
    .where('account_id', '=', accountId)
    .where('web_url', '=', app.webUrl)
    .where('app_id', '=', app.appId)
    .execute();
