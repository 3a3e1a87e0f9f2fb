import { sql } from 'kysely';
import { membersQuery } from './accounts.js';
import type { Engine } from './database.js';
import { prepareQuery, type PreparedTarget } from './prepared.js';
import type { Role, SignInMethod, SsoStatus } from './schema.js';
import { createSessionCache } from './session-cache.js';
import { isRefusedBySsoPolicy } from './sso-providers.js';

export interface CallerSession {
  readonly idHash: string;
  readonly userId: string;
  readonly accountId: string | null;
  readonly csrfToken: string;
  /** The user's role in the account the request is about, when it names one; null when not a member. */
  readonly roleInRequestedAccount: Role | null;
  /** How the person signed in, and through which single sign-on provider. */
  readonly method: SignInMethod;
  readonly ssoProviderId: string | null;
  /** The account the request names requires single sign-on, and this session did not come through it. */
  readonly ssoRequiredInRequestedAccount: boolean;
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

/** The members list's keys rendered as selected; `managed` (stored 0 or 1) is added as a JSON boolean. */
const memberKeys = ['userId', 'email', 'name', 'role', 'joinedAt', 'scmRole'] as const;

/**
 * The members list as JSON text. Written out rather than with Kysely's `jsonArrayFrom` for `managed`: SQLite keeps
 * a JSON `true` / `false` only when it is made inside `json_object` itself, not in the subquery.
 */
function membersJsonOf(engine: Engine, list: ReturnType<typeof membersQuery>) {
  const pairs = sql.join(memberKeys.flatMap((key) => [sql.lit(key), sql.ref(`agg.${key}`)]));
  return engine === 'sqlite'
    ? sql<string>`(select coalesce(json_group_array(json_object(${pairs}, 'managed', json(case when agg.managed = 1 then 'true' else 'false' end))), '[]') from ${list} as agg)`
    : sql<string>`(select coalesce(json_agg(json_build_object(${pairs}, 'managed', agg.managed = 1)), '[]') from ${list} as agg)::text`;
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
      method: SignInMethod;
      sso_provider_id: string | null;
      require_sso: number | null;
      break_glass_user_id: string | null;
      sso_account_id: string | null;
      sso_status: SsoStatus | null;
    }
  >(target, 3, (requestedAccountId, idHash, now) =>
    db
      .selectFrom('sessions')
      .leftJoin('memberships', (join) =>
        join
          .onRef('memberships.user_id', '=', 'sessions.user_id')
          .on('memberships.account_id', '=', requestedAccountId!),
      )
      // The account's single sign-on policy and the session's provider, read in the same query.
      .leftJoin('accounts', (join) => join.on('accounts.id', '=', requestedAccountId!))
      .leftJoin('sso_providers', 'sso_providers.id', 'sessions.sso_provider_id')
      .select([
        'sessions.id_hash',
        'sessions.user_id',
        'sessions.account_id',
        'sessions.csrf_token',
        'sessions.expires_at',
        'memberships.role',
        'sessions.method',
        'sessions.sso_provider_id',
        'accounts.require_sso',
        'accounts.break_glass_user_id',
        'sso_providers.account_id as sso_account_id',
        'sso_providers.status as sso_status',
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
  const members = prepareQuery<[string], { json: string }>(target, 1, (accountId) =>
    db.selectNoFrom(membersJsonOf(engine, membersQuery(db, accountId!)).as('json')),
  );
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
          method: row.method,
          ssoProviderId: row.sso_provider_id,
          ssoRequiredInRequestedAccount:
            requestedAccountId !== null &&
            isRefusedBySsoPolicy({
              accountId: requestedAccountId,
              userId: row.user_id,
              requireSso: row.require_sso,
              breakGlassUserId: row.break_glass_user_id,
              method: row.method,
              ssoAccountId: row.sso_account_id,
              ssoStatus: row.sso_status,
            }),
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
