import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { SsoProtocol, SsoProvidersTable, SsoStatus } from './schema.js';
import { nowIso } from '../core/tokens.js';

export type SsoProviderRow = SsoProvidersTable;

/** The associated data that binds an OpenID Connect client secret to its provider's row. */
export const ssoSecretAad = (accountId: string, providerId: string) =>
  `account:${accountId}:sso-provider:${providerId}:client-secret`;

export const findSsoProvider = (db: Db, providerId: string): Promise<SsoProviderRow | undefined> =>
  db.selectFrom('sso_providers').selectAll().where('id', '=', providerId).executeTakeFirst();

export const findSsoProviderOfAccount = (
  db: Db,
  accountId: string,
  protocol: SsoProtocol,
): Promise<SsoProviderRow | undefined> =>
  db
    .selectFrom('sso_providers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('protocol', '=', protocol)
    .executeTakeFirst();

export const listSsoProvidersOfAccount = (db: Db, accountId: string): Promise<SsoProviderRow[]> =>
  db.selectFrom('sso_providers').selectAll().where('account_id', '=', accountId).execute();

/** Every provider of every account (few rows): to find the one whose email domains match, or claims. */
export const listAllSsoProviders = (db: Db): Promise<SsoProviderRow[]> =>
  db.selectFrom('sso_providers').selectAll().orderBy('created_at').orderBy('id').execute();

/**
 * Creates or replaces the account's provider of `protocol`. `status` is what the caller decided (a change sends
 * it back to draft); `secret` undefined keeps the stored secret.
 */
export async function saveSsoProvider(
  db: Db,
  input: {
    readonly accountId: string;
    readonly protocol: SsoProtocol;
    readonly name: string;
    readonly settings: string;
    readonly status: SsoStatus;
    readonly userId: string | null;
    /** The sealed secret; a function because sealing needs the row id. */
    readonly seal?: (providerId: string) => string;
  },
): Promise<SsoProviderRow> {
  const now = nowIso();
  const existing = await findSsoProviderOfAccount(db, input.accountId, input.protocol);
  if (existing) {
    const changes = {
      name: input.name,
      settings: input.settings,
      status: input.status,
      updated_at: now,
      ...(input.seal ? { secret_encrypted: input.seal(existing.id) } : {}),
    };
    await db.updateTable('sso_providers').set(changes).where('id', '=', existing.id).execute();
    return { ...existing, ...changes };
  }
  const id = randomUUID();
  const row: SsoProviderRow = {
    id,
    account_id: input.accountId,
    protocol: input.protocol,
    name: input.name,
    settings: input.settings,
    secret_encrypted: input.seal ? input.seal(id) : null,
    status: input.status,
    tested_at: null,
    created_by: input.userId,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('sso_providers').values(row).execute();
  return row;
}

/** Stores a provider's settings without counting as a change (the outcome of a Test sign-in). */
export const updateSsoSettings = (db: Db, providerId: string, settings: string) =>
  db.updateTable('sso_providers').set({ settings }).where('id', '=', providerId).execute();

/**
 * Records a successful Test sign-in: draft becomes tested (an active provider stays active). Only when the
 * provider was not changed since the test began (`updatedAt`), so a test never vouches for other settings.
 */
export async function markSsoTested(
  db: Db,
  input: { providerId: string; updatedAt: string; status: SsoStatus; settings: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('sso_providers')
    .set({
      tested_at: input.at,
      settings: input.settings,
      status: input.status === 'active' ? 'active' : 'tested',
    })
    .where('id', '=', input.providerId)
    .where('updated_at', '=', input.updatedAt)
    .where('status', '=', input.status)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setSsoStatus(db: Db, providerId: string, status: SsoStatus): Promise<void> {
  await db
    .updateTable('sso_providers')
    .set({ status, updated_at: nowIso() })
    .where('id', '=', providerId)
    .execute();
}

export async function deleteSsoProvider(db: Db, accountId: string, protocol: SsoProtocol): Promise<boolean> {
  const result = await db
    .deleteFrom('sso_providers')
    .where('account_id', '=', accountId)
    .where('protocol', '=', protocol)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface SsoPolicyRow {
  readonly requireSso: boolean;
  readonly breakGlassUserId: string | null;
}

export async function findSsoPolicy(db: Db, accountId: string): Promise<SsoPolicyRow | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(['require_sso', 'break_glass_user_id'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row && { requireSso: row.require_sso === 1, breakGlassUserId: row.break_glass_user_id };
}

export const saveSsoPolicy = (db: Db, accountId: string, policy: SsoPolicyRow) =>
  db
    .updateTable('accounts')
    .set({ require_sso: policy.requireSso ? 1 : 0, break_glass_user_id: policy.breakGlassUserId })
    .where('id', '=', accountId)
    .execute();

/** A member who may be the break-glass admin: an admin of the account with a local password. */
export async function isLocalAdmin(db: Db, accountId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.password_hash')
    .where('memberships.account_id', '=', accountId)
    .where('memberships.user_id', '=', userId)
    .where('memberships.role', '=', 'admin')
    .executeTakeFirst();
  return row !== undefined && row.password_hash !== '';
}

/**
 * The accounts of a user where single sign-on is required of them (they are not the break-glass admin): a
 * session started any other way is refused there.
 */
export async function accountsRequiringSso(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('accounts', 'accounts.id', 'memberships.account_id')
    .select('accounts.id')
    .where('memberships.user_id', '=', userId)
    .where('accounts.require_sso', '=', 1)
    .where((eb) =>
      eb.or([
        eb('accounts.break_glass_user_id', 'is', null),
        eb('accounts.break_glass_user_id', '!=', userId),
      ]),
    )
    .execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * Whether a session is refused in `accountId` because the account requires single sign-on: it is, unless the
 * person is the break-glass admin or the session came through an active provider of that account.
 */
export function isRefusedBySsoPolicy(input: {
  readonly accountId: string;
  readonly userId: string;
  readonly requireSso: number | null;
  readonly breakGlassUserId: string | null;
  readonly method: string;
  readonly ssoAccountId: string | null;
  readonly ssoStatus: SsoStatus | null;
}): boolean {
  if (input.requireSso !== 1 || input.breakGlassUserId === input.userId) return false;
  const viaAccountSso =
    (input.method === 'oidc' || input.method === 'saml') &&
    input.ssoAccountId === input.accountId &&
    input.ssoStatus === 'active';
  return !viaAccountSso;
}

/** The same check for a session read apart from the hot query (routes naming no account in their path). */
export async function sessionRefusedBySsoPolicy(
  db: Db,
  input: { accountId: string; userId: string; method: string; ssoProviderId: string | null },
): Promise<boolean> {
  const account = await db
    .selectFrom('accounts')
    .leftJoin('sso_providers', (join) =>
      join.on('sso_providers.id', '=', input.ssoProviderId ?? '').on('sso_providers.status', '=', 'active'),
    )
    .select([
      'accounts.require_sso',
      'accounts.break_glass_user_id',
      'sso_providers.account_id as sso_account_id',
      'sso_providers.status as sso_status',
    ])
    .where('accounts.id', '=', input.accountId)
    .executeTakeFirst();
  return (
    account !== undefined &&
    isRefusedBySsoPolicy({
      accountId: input.accountId,
      userId: input.userId,
      requireSso: account.require_sso,
      breakGlassUserId: account.break_glass_user_id,
      method: input.method,
      ssoAccountId: account.sso_account_id,
      ssoStatus: account.sso_status,
    })
  );
}

/** Records a SAML assertion as used; false when it was seen before (a replay). */
export async function recordSamlAssertion(
  db: Db,
  input: { providerId: string; assertionId: string; expiresAt: string },
): Promise<boolean> {
  const result = await db
    .insertInto('saml_assertions_seen')
    .values({ provider_id: input.providerId, assertion_id: input.assertionId, expires_at: input.expiresAt })
    .onConflict((oc) => oc.columns(['provider_id', 'assertion_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Housekeeping: assertion ids kept past their assertion's life (it cannot be replayed any more). */
export async function deleteExpiredSamlAssertions(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('saml_assertions_seen')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
