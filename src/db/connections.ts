import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { ConnectionStatus, ConnectionsTable } from './schema.js';
import { nowIso } from '../core/tokens.js';

export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly webUrl: string;
}

export interface ConnectionView {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly target: string;
  readonly status: ConnectionStatus;
  readonly hasToken: boolean;
  readonly tokenUpdatedAt: string | null;
  readonly hasCaCertificate: boolean;
  readonly createdAt: string;
  readonly lastTest: unknown;
  readonly lastSyncedAt: string | null;
  readonly syncError: string | null;
  readonly repositoryCount: number;
  readonly organizations: readonly OrganizationView[];
}

/** One connection of one account with everything needed to talk to its SCM (the token still encrypted). */
export const findConnectionRow = (db: Db, accountId: string, connectionId: string) =>
  db
    .selectFrom('connections')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', connectionId)
    .executeTakeFirst();

/** Connections of one account, without any secret: `hasToken` says whether one is stored. */
export async function listConnections(
  db: Db,
  accountId: string,
  connectionId?: string,
): Promise<ConnectionView[]> {
  let query = db.selectFrom('connections').selectAll().where('account_id', '=', accountId);
  if (connectionId) query = query.where('id', '=', connectionId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const organizations = await db
    .selectFrom('organizations')
    .select(['id', 'connection_id', 'name', 'web_url'])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .orderBy('name')
    .execute();
  const counts = await db
    .selectFrom('repositories')
    .select((eb) => ['connection_id', eb.fn.countAll<string | number>().as('n')])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .groupBy('connection_id')
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
    hasCaCertificate: row.ca_pem !== null,
    createdAt: row.created_at,
    lastTest: row.last_test ? (JSON.parse(row.last_test) as unknown) : null,
    lastSyncedAt: row.last_synced_at,
    syncError: row.sync_error,
    repositoryCount: Number(counts.find((c) => c.connection_id === row.id)?.n ?? 0),
    organizations: organizations
      .filter((o) => o.connection_id === row.id)
      .map((o) => ({ id: o.id, name: o.name, webUrl: o.web_url })),
  }));
}

export async function findDuplicateConnection(
  db: Db,
  accountId: string,
  input: { kind: string; baseUrl: string; target: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('connections')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', input.kind)
    .where('base_url', '=', input.baseUrl)
    .where('target', '=', input.target)
    .executeTakeFirst();
  return row !== undefined;
}

export interface NewConnection {
  readonly id: string;
  readonly accountId: string;
  readonly kind: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly target: string;
  readonly settings: Record<string, unknown>;
  readonly tokenEncrypted: string;
  readonly caPem: string | null;
}

export async function insertConnection(db: Db, input: NewConnection): Promise<void> {
  const now = nowIso();
  await db
    .insertInto('connections')
    .values({
      id: input.id,
      account_id: input.accountId,
      kind: input.kind,
      name: input.name,
      base_url: input.baseUrl,
      target: input.target,
      status: 'connected',
      settings: JSON.stringify(input.settings),
      token_encrypted: input.tokenEncrypted,
      ca_pem: input.caPem,
      token_updated_at: now,
      last_test: null,
      created_at: now,
      updated_at: now,
      last_synced_at: null,
      sync_error: null,
    })
    .execute();
}

export const newConnectionId = (): string => randomUUID();

export async function updateConnection(
  db: Db,
  accountId: string,
  connectionId: string,
  changes: Partial<
    Pick<
      ConnectionsTable,
      | 'name'
      | 'token_encrypted'
      | 'token_updated_at'
      | 'ca_pem'
      | 'status'
      | 'last_test'
      | 'last_synced_at'
      | 'sync_error'
    >
  >,
): Promise<boolean> {
  const result = await db
    .updateTable('connections')
    .set({ ...changes, updated_at: nowIso() })
    .where('account_id', '=', accountId)
    .where('id', '=', connectionId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Removes the connection; its organizations and repositories go with it (foreign keys cascade). */
export async function deleteConnection(db: Db, accountId: string, connectionId: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    // Deleted explicitly too, so the outcome does not depend on SQLite's foreign_keys pragma.
    await tx
      .deleteFrom('repositories')
      .where('account_id', '=', accountId)
      .where('connection_id', '=', connectionId)
      .execute();
    await tx
      .deleteFrom('organizations')
      .where('account_id', '=', accountId)
      .where('connection_id', '=', connectionId)
      .execute();
    const result = await tx
      .deleteFrom('connections')
      .where('account_id', '=', accountId)
      .where('id', '=', connectionId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
