import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { nameOrder } from './name-order.js';
import type { TokenRole } from './schema.js';
import { hashToken, issueToken, nowIso } from '../core/tokens.js';

export const apiTokenPrefix = 'scmc_';

export interface ApiTokenView {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

const view = [
  'id',
  'name',
  'role',
  'prefix',
  'created_at as createdAt',
  'last_used_at as lastUsedAt',
] as const;

export async function createApiToken(
  db: Db,
  input: { accountId: string; name: string; role: TokenRole; createdBy: string | null },
): Promise<{ token: ApiTokenView; secret: string }> {
  const issued = issueToken(apiTokenPrefix);
  const token: ApiTokenView = {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    prefix: issued.value.slice(0, apiTokenPrefix.length + 6),
    createdAt: nowIso(),
    lastUsedAt: null,
  };
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      account_id: input.accountId,
      name: token.name,
      role: token.role,
      prefix: token.prefix,
      token_hash: issued.hash,
      created_by: input.createdBy,
      created_at: token.createdAt,
    })
    .execute();
  return { token, secret: issued.value };
}

export const listApiTokens = (db: Db, accountId: string): Promise<ApiTokenView[]> =>
  db
    .selectFrom('api_tokens')
    .select(view)
    .where('account_id', '=', accountId)
    .orderBy(nameOrder('name'))
    .orderBy('name')
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export async function revokeApiToken(db: Db, accountId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('api_tokens')
    .where('account_id', '=', accountId)
    .where('id', '=', tokenId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findApiToken(db: Db, secret: string) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'account_id', 'role', 'last_used_at'])
    .where('token_hash', '=', hashToken(secret))
    .executeTakeFirst();
  if (!row) return undefined;
  // Written at most once a minute, so a busy script does not turn every read into a write.
  const now = nowIso();
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { id: row.id, accountId: row.account_id, role: row.role };
}
