import type { Db } from './database.js';
import type { SignInMethod } from './schema.js';
import { addHours, issueToken, nowIso } from '../core/tokens.js';

/** Creates a session and returns the cookie value; only its hash is stored. */
export async function createSession(
  db: Db,
  input: {
    userId: string;
    accountId: string | null;
    hours: number;
    /** How the person signed in (default `password`). */
    method?: SignInMethod;
    /** The single sign-on provider the session came through. */
    ssoProviderId?: string;
  },
): Promise<{ cookie: string; csrfToken: string }> {
  const cookie = issueToken();
  const csrfToken = issueToken().value;
  await db
    .insertInto('sessions')
    .values({
      id_hash: cookie.hash,
      user_id: input.userId,
      account_id: input.accountId,
      csrf_token: csrfToken,
      created_at: nowIso(),
      expires_at: addHours(input.hours),
      method: input.method ?? 'password',
      sso_provider_id: input.ssoProviderId ?? null,
    })
    .execute();
  return { cookie: cookie.value, csrfToken };
}

export const deleteSession = (db: Db, idHash: string) =>
  db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();

/** A removed member's sessions stop pointing at the account at once. */
export const detachSessionsFromAccount = (db: Db, accountId: string, userId: string) =>
  db
    .updateTable('sessions')
    .set({ account_id: null })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();

/** Signs the person out everywhere: their credentials changed. */
export const revokeSessionsOfUser = (db: Db, userId: string) =>
  db.deleteFrom('sessions').where('user_id', '=', userId).execute();

/** How recently a session began: linking a sign-in method needs one started within `withinMs`. */
export async function isFreshSession(
  db: Db,
  idHash: string,
  withinMs: number,
  now = new Date(),
): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select('created_at')
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return row !== undefined && now.getTime() - Date.parse(row.created_at) <= withinMs;
}

/** Ends every session of a person in one account: removed from it, or their access there changed. */
export const revokeSessionsInAccount = (db: Db, accountId: string, userId: string) =>
  db.deleteFrom('sessions').where('account_id', '=', accountId).where('user_id', '=', userId).execute();
