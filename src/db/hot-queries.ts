import { sql } from 'kysely';
import { jsonArrayFrom as postgresJsonArray } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteJsonArray } from 'kysely/helpers/sqlite';
import { membersQuery } from './accounts.js';
import type { Engine } from './database.js';
import { prepareQuery, type PreparedTarget } from './prepared.js';
import type { Role } from './schema.js';
import { createSessionCache } from './session-cache.js';

export interface CallerSession {
  readonly idHash: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly csrfToken: string;
  /** The user's role in the account the request is about, when it names one; null when not a member. */
  readonly roleInRequestedAccount: Role | null;
}

/**
 * The queries every authenticated request makes, prepared once per database. With SQLite (one service process)
 * the session lookup is answered from a cache that any write by this process invalidates.
 */
export interface HotQueries {
  /** The live session with this cookie hash, and in the same query the user's role in `accountId`. */
  findSession(
    idHash: string,
    requestedAccountId: string | null,
    now: string,
  ): Promise<CallerSession | undefined>;
  findRole(accountId: string, userId: string): Promise<Role | undefined>;
  /**
   * The account's members (`memberSchema`, by email) as JSON text, rendered by the database: building a JS object
   * per row and serialising it again measured as the largest cost of this read.
   */
  membersJson(accountId: string): Promise<string>;
}

export function createHotQueries(
  target: PreparedTarget & { readonly engine: Engine; readonly writeGeneration?: (() => number) | undefined },
): HotQueries {
  const { db, engine, writeGeneration } = target;
  const session = prepareQuery<
    [string, string, string],
    {
      id_hash: string;
      user_id: string;
      account_id: string | null;
      csrf_token: string;
      expires_at: string;
      role: Role | null;
    }
  >(target, 3, (requestedAccountId, idHash, now) =>
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
        'sessions.expires_at',
        'memberships.role',
      ])
      .where('sessions.id_hash', '=', idHash!)
      .where('sessions.expires_at', '>', now!),
  );
  const role = prepareQuery<[string, string], { role: Role }>(target, 2, (accountId, userId) =>
    db
      .selectFrom('memberships')
      .select('role')
      .where('account_id', '=', accountId!)
      .where('user_id', '=', userId!),
  );
  const members = prepareQuery<[string], { json: string }>(target, 1, (accountId) => {
    const list = membersQuery(db, accountId!);
    const json =
      engine === 'sqlite'
        ? sql<string>`${sqliteJsonArray(list)}`
        : sql<string>`${postgresJsonArray(list)}::text`;
    return db.selectNoFrom(json.as('json'));
  });
  const cache = writeGeneration && createSessionCache<CallerSession>(writeGeneration);
  return {
    membersJson: async (accountId) => (await members(accountId))[0]!.json,
    findSession(idHash, requestedAccountId, now) {
      const read = async () => {
        // An account id no row can have stands in when the request names no account.
        const [row] = await session(requestedAccountId ?? '', idHash, now);
        if (!row) return undefined;
        const value: CallerSession = {
          idHash: row.id_hash,
          userId: row.user_id,
          accountId: row.account_id,
          csrfToken: row.csrf_token,
          roleInRequestedAccount: requestedAccountId ? row.role : null,
        };
        return { value, expiresAt: row.expires_at };
      };
      if (!cache) return read().then((found) => found?.value);
      return cache.get(`${idHash} ${requestedAccountId ?? ''}`, now, read);
    },
    async findRole(accountId, userId) {
      return (await role(accountId, userId))[0]?.role;
    },
  };
}
