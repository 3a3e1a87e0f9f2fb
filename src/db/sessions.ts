import type { Db } from './database.js';
import { addHours, hashToken, issueToken, nowIso } from '../core/tokens.js';

export interface SessionRecord {
  readonly userId: string;
  readonly accountId: string | null;
  readonly csrfToken: string;
  readonly idHash: string;
}

/** Creates a session and returns the cookie value; only its hash is stored. */
export async function createSession(
  db: Db,
  input: { userId: string; accountId: string | null; hours: number },
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
    })
    .execute();
  return { cookie: cookie.value, csrfToken };
}

export async function findSession(db: Db, cookie: string): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select(['id_hash', 'user_id', 'account_id', 'csrf_token'])
    .where('id_hash', '=', hashToken(cookie))
    .where('expires_at', '>', nowIso())
    .executeTakeFirst();
  return (
    row && { idHash: row.id_hash, userId: row.user_id, accountId: row.account_id, csrfToken: row.csrf_token }
  );
}

export const deleteSession = (db: Db, idHash: string) =>
  db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();

export const deleteExpiredSessions = (db: Db) =>
  db.deleteFrom('sessions').where('expires_at', '<=', nowIso()).execute();

/** A removed member's sessions stop pointing at the account at once. */
export const detachSessionsFromAccount = (db: Db, accountId: string, userId: string) =>
  db
    .updateTable('sessions')
    .set({ account_id: null })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .execute();
