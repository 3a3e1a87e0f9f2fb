import type { Db } from './database.js';
import { prepareQuery } from './prepared.js';
import type { Member } from './accounts.js';
import type { Role } from './schema.js';

export interface CallerSession {
  readonly idHash: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly csrfToken: string;
  /** The user's role in the account the request is about, when it names one; null when not a member. */
  readonly roleInRequestedAccount: Role | null;
}

/** The queries every authenticated request makes, prepared once per database. */
export interface HotQueries {
  /** The live session with this cookie hash, and in the same query the user's role in `accountId`. */
  findSession(
    idHash: string,
    requestedAccountId: string | null,
    now: string,
  ): Promise<CallerSession | undefined>;
  findRole(accountId: string, userId: string): Promise<Role | undefined>;
  listMembers(accountId: string): Promise<Member[]>;
}

export function createHotQueries(db: Db): HotQueries {
  const session = prepareQuery<
    [string, string, string],
    { id_hash: string; user_id: string; account_id: string | null; csrf_token: string; role: Role | null }
  >(db, 3, (requestedAccountId, idHash, now) =>
    db
      .selectFrom('sessions')
      .leftJoin('memberships', (join) =>
        join
          .onRef('memberships.user_id', '=', 'sessions.user_id')
          .on('memberships.account_id', '=', requestedAccountId!),
      )
      .select([
        'sessions.id_hash',
        'sessions.user_id',
        'sessions.account_id',
        'sessions.csrf_token',
        'memberships.role',
      ])
      .where('sessions.id_hash', '=', idHash!)
      .where('sessions.expires_at', '>', now!),
  );
  const role = prepareQuery<[string, string], { role: Role }>(db, 2, (accountId, userId) =>
    db
      .selectFrom('memberships')
      .select('role')
      .where('account_id', '=', accountId!)
      .where('user_id', '=', userId!),
  );
  const members = prepareQuery<[string], Member>(db, 1, (accountId) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id as userId',
        'users.email',
        'users.name',
        'memberships.role',
        'memberships.created_at as joinedAt',
      ])
      .where('memberships.account_id', '=', accountId!)
      .orderBy('users.email'),
  );
  return {
    listMembers: (accountId) => members(accountId),
    async findSession(idHash, requestedAccountId, now) {
      // An account id no row can have stands in when the request names no account.
      const [row] = await session(requestedAccountId ?? '', idHash, now);
      return (
        row && {
          idHash: row.id_hash,
          userId: row.user_id,
          accountId: row.account_id,
          csrfToken: row.csrf_token,
          roleInRequestedAccount: requestedAccountId ? row.role : null,
        }
      );
    },
    async findRole(accountId, userId) {
      return (await role(accountId, userId))[0]?.role;
    },
  };
}
