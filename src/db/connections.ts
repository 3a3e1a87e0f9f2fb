import type { Db } from './database.js';

export interface ConnectionView {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly target: string;
  readonly status: 'connected' | 'pending' | 'error';
  readonly hasToken: boolean;
  readonly tokenUpdatedAt: string | null;
  readonly createdAt: string;
  readonly lastTest: unknown;
  readonly organizations: readonly { id: string; name: string; webUrl: string }[];
}

/** Connections of one account, without any secret: `hasToken` says whether one is stored. */
export async function listConnections(db: Db, accountId: string): Promise<ConnectionView[]> {
  const rows = await db
    .selectFrom('connections')
    .select(['id', 'kind', 'name', 'base_url', 'target', 'status', 'token_encrypted', 'token_updated_at', 'created_at', 'last_test'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    name: row.name,
    baseUrl: row.base_url,
    target: row.target,
    status: row.status,
    hasToken: row.token_encrypted !== null,
    tokenUpdatedAt: row.token_updated_at,
    createdAt: row.created_at,
    lastTest: row.last_test ? (JSON.parse(row.last_test) as unknown) : null,
    organizations: [],
  }));
}
