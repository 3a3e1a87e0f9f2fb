import { randomUUID } from 'node:crypto';
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

/** The query behind every list of an account's members (by name, then email), as rows or rendered as JSON. */
export const membersQuery = (db: Db, accountId: string) =>
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
    .where('memberships.account_id', '=', accountId)
    .orderBy(nameOrder('users.name'))
    .orderBy('users.name')
    .orderBy('users.email');

export const listMembers = (db: Db, accountId: string): Promise<Member[]> =>
  membersQuery(db, accountId).execute();

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
