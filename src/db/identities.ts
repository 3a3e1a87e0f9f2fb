import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { IdentityProvider } from './schema.js';
import { nowIso } from '../core/tokens.js';

/** Who an SCM or identity provider says the person is: never matched by login or email. */
export interface ExternalIdentity {
  readonly provider: IdentityProvider;
  /** GitHub's or GitLab's web root without a trailing slash, the OIDC issuer, the SAML IdP entity id. */
  readonly issuer: string;
  /** The numeric user id, `sub` or NameID. */
  readonly subject: string;
  readonly login?: string | null;
  readonly email?: string | null;
}

export interface LinkedIdentity extends Required<Pick<ExternalIdentity, 'provider' | 'issuer' | 'subject'>> {
  readonly id: string;
  readonly userId: string;
  readonly login: string | null;
  readonly email: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

const columns = [
  'id',
  'user_id as userId',
  'provider',
  'issuer',
  'subject',
  'login',
  'email',
  'created_at as createdAt',
  'last_used_at as lastUsedAt',
] as const;

/** The user an identity is linked to, if any; its login and email are refreshed (a rename keeps the user). */
export async function findIdentity(db: Db, identity: ExternalIdentity): Promise<LinkedIdentity | undefined> {
  const row = await db
    .selectFrom('user_identities')
    .select(columns)
    .where('provider', '=', identity.provider)
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .executeTakeFirst();
  if (!row) return undefined;
  const changes = {
    ...(identity.login !== undefined && identity.login !== row.login ? { login: identity.login } : {}),
    ...(identity.email !== undefined && identity.email !== row.email ? { email: identity.email } : {}),
  };
  const usedAt = nowIso();
  await db
    .updateTable('user_identities')
    .set({ ...changes, last_used_at: usedAt })
    .where('id', '=', row.id)
    .execute();
  return { ...row, ...changes, lastUsedAt: usedAt };
}

/** Links an identity to a user; false when it is linked already (to this user or another). */
export async function linkIdentity(db: Db, userId: string, identity: ExternalIdentity): Promise<boolean> {
  const result = await db
    .insertInto('user_identities')
    .values({
      id: randomUUID(),
      user_id: userId,
      provider: identity.provider,
      issuer: identity.issuer,
      subject: identity.subject,
      login: identity.login ?? null,
      email: identity.email ?? null,
      created_at: nowIso(),
      last_used_at: nowIso(),
    })
    .onConflict((oc) => oc.columns(['provider', 'issuer', 'subject']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export const listIdentitiesOfUser = (db: Db, userId: string): Promise<LinkedIdentity[]> =>
  db
    .selectFrom('user_identities')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('provider')
    .orderBy('issuer')
    .orderBy('created_at')
    .execute();

export async function unlinkIdentity(db: Db, userId: string, identityId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_identities')
    .where('user_id', '=', userId)
    .where('id', '=', identityId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The identities of `provider` at `issuer` whose subjects are listed, by subject: for reconciliation. */
export async function usersBySubject(
  db: Db,
  provider: IdentityProvider,
  issuer: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('user_identities')
    .select(['subject', 'user_id'])
    .where('provider', '=', provider)
    .where('issuer', '=', issuer)
    .execute();
  return new Map(rows.map((row) => [row.subject, row.user_id]));
}
