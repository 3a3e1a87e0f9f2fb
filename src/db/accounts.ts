import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import { nameOrder } from './name-order.js';
import type { Role } from './schema.js';
import { nowIso } from '../core/tokens.js';

export interface AccountWithRole {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly joinedAt: string;
  /** Added by the account's membership source, which keeps it current: not edited by hand. */
  readonly managed: boolean;
  /** Their role in the source's organization or group, while managed. */
  readonly scmRole: string | null;
}

export async function createAccount(db: Db, name: string, adminUserId: string): Promise<AccountWithRole> {
  const account = { id: randomUUID(), name, created_at: nowIso() };
  await db.insertInto('accounts').values(account).execute();
  await db
    .insertInto('memberships')
    .values({ account_id: account.id, user_id: adminUserId, role: 'admin', created_at: account.created_at })
    .execute();
  return { id: account.id, name, role: 'admin' };
}

export const listAccountsOfUser = (db: Db, userId: string): Promise<AccountWithRole[]> =>
  db
    .selectFrom('memberships')
    .innerJoin('accounts', 'accounts.id', 'memberships.account_id')
    .select(['accounts.id', 'accounts.name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy(nameOrder('accounts.name'))
    .orderBy('accounts.name')
    .orderBy('accounts.id')
    .execute();

export const renameAccount = (db: Db, accountId: string, name: string) =>
  db.updateTable('accounts').set({ name }).where('id', '=', accountId).execute();

export const findAccountName = async (db: Db, accountId: string) =>
  (await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst())?.name;

/** The role new members of the account get (through its membership source or single sign-on). */
export async function accountDefaultRole(db: Db, accountId: string): Promise<Role> {
  const row = await db
    .selectFrom('accounts')
    .select('default_role')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.default_role ?? 'member';
}

export async function setDefaultRole(db: Db, accountId: string, role: Role): Promise<void> {
  await db.updateTable('accounts').set({ default_role: role }).where('id', '=', accountId).execute();
}

/** A membership the source added, while the account has a source (removing its connection removes it too). */
const managedNow = sql`memberships.managed = 1 and source.account_id is not null`;

/**
 * The query behind every list of an account's members (by name, then email), as rows or rendered as JSON;
 * `managed` is 0 or 1.
 */
export const membersQuery = (db: Db, accountId: string) =>
  db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .leftJoin('membership_sources as source', 'source.account_id', 'memberships.account_id')
    .select([
      'users.id as userId',
      'users.email',
      'users.name',
      'memberships.role',
      'memberships.created_at as joinedAt',
      sql<number>`case when ${managedNow} then 1 else 0 end`.as('managed'),
      sql<string | null>`case when ${managedNow} then memberships.scm_role end`.as('scmRole'),
    ])
    .where('memberships.account_id', '=', accountId)
    .orderBy(nameOrder('users.name'))
    .orderBy('users.name')
    .orderBy('users.email');

export const listMembers = async (db: Db, accountId: string): Promise<Member[]> =>
  (await membersQuery(db, accountId).execute()).map((row) => ({ ...row, managed: row.managed === 1 }));

export async function addMember(db: Db, accountId: string, userId: string, role: Role): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values({ account_id: accountId, user_id: userId, role, created_at: nowIso() })
    .onConflict((oc) => oc.columns(['account_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function countAdmins(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('account_id', '=', accountId)
    .where('role', '=', 'admin')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function setMemberRole(db: Db, accountId: string, userId: string, role: Role): Promise<boolean> {
  const result = await db
    .updateTable('memberships')
    .set({ role })
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function removeMember(db: Db, accountId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
