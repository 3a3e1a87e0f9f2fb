import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { Role } from './schema.js';
import { addHours, hashToken, issueToken, nowIso } from '../core/tokens.js';

export async function createInvitation(
  db: Db,
  input: { accountId: string; email: string; role: Role; createdBy: string; hours: number },
): Promise<{ token: string; expiresAt: string }> {
  const issued = issueToken();
  const expiresAt = addHours(input.hours);
  await db
    .insertInto('invitations')
    .values({
      id: randomUUID(),
      account_id: input.accountId,
      email: input.email,
      role: input.role,
      token_hash: issued.hash,
      created_by: input.createdBy,
      created_at: nowIso(),
      expires_at: expiresAt,
    })
    .execute();
  return { token: issued.value, expiresAt };
}

export const findInvitation = (db: Db, token: string) =>
  db
    .selectFrom('invitations')
    .innerJoin('accounts', 'accounts.id', 'invitations.account_id')
    .select([
      'invitations.id',
      'invitations.account_id',
      'invitations.email',
      'invitations.role',
      'accounts.name',
    ])
    .where('invitations.token_hash', '=', hashToken(token))
    .where('invitations.expires_at', '>', nowIso())
    .executeTakeFirst();

/** Uses the invitation up; false when another request took it first. */
export async function consumeInvitation(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('invitations').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Whether a member of the account has this email. It runs the same query for every email, known to the
 * instance or not, and answers only what the account's member list already shows its admins.
 */
export async function isMemberEmail(db: Db, accountId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('memberships.user_id')
    .where('memberships.account_id', '=', accountId)
    .where('users.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}
