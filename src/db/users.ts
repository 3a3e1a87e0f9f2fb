import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { UsersTable } from './schema.js';
import { nowIso } from '../core/tokens.js';

export type User = Pick<UsersTable, 'id' | 'email' | 'name' | 'created_at'>;

export async function createUser(
  db: Db,
  input: { email: string; name: string; passwordHash: string },
): Promise<User> {
  const user = { id: randomUUID(), email: input.email, name: input.name, created_at: nowIso() };
  await db
    .insertInto('users')
    .values({ ...user, password_hash: input.passwordHash })
    .execute();
  return user;
}

export const findUserByEmail = (db: Db, email: string) =>
  db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

export const findUserById = (db: Db, id: string) =>
  db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
