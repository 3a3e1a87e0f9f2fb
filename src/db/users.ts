import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { UsersTable } from './schema.js';
import { nowIso } from '../core/tokens.js';

export type User = Pick<UsersTable, 'id' | 'email' | 'name' | 'created_at'>;

export async function createUser(
  db: Db,
  input: {
    email: string;
    name: string;
    passwordHash: string;
    /** May set up the instance's GitHub App (the first admin); default false. */
    instanceAdmin?: boolean;
  },
): Promise<User> {
  const user = { id: randomUUID(), email: input.email, name: input.name, created_at: nowIso() };
  await db
    .insertInto('users')
    // The column is named only when set, so databases migrated to an older version still take new users.
    .values({
      ...user,
      password_hash: input.passwordHash,
      ...(input.instanceAdmin ? { instance_admin: 1 } : {}),
    })
    .execute();
  return user;
}

export const findUserByEmail = (db: Db, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findUserById = (db: Db, id: string) =>
  db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'created_at', 'instance_admin'])
    .where('id', '=', id)
    .executeTakeFirst();

/** Whether the user may set up the instance's GitHub App. */
export async function isInstanceAdmin(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('instance_admin')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.instance_admin === 1;
}

/** Makes the user an instance admin when the instance has none (the first admin, or after the last one left). */
export async function makeFirstInstanceAdmin(db: Db, userId: string): Promise<boolean> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('instance_admin', '=', 1)
    .executeTakeFirst();
  if (existing) return existing.id === userId;
  await db.updateTable('users').set({ instance_admin: 1 }).where('id', '=', userId).execute();
  return true;
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
