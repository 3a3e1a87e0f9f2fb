import { AppError, conflict, notFound } from '../core/errors.js';
import type { ServiceContext } from '../context.js';
import { recordAudit } from '../db/audit.js';
import {
  deleteConnection,
  findConnectionRow,
  findDuplicateConnection,
  insertConnection,
  listConnections,
  newConnectionId,
  updateConnection,
  type ConnectionView,
} from '../db/connections.js';
import type { Db } from '../db/database.js';
import { upsertOrganization } from '../db/inventory.js';
import { connectionTokenAad } from '../db/secret-columns.js';
import { enqueueJob, type Job } from '../jobs/index.js';
import type { ConnectableProvider, ConnectionSettings } from '../scm/connection-settings.js';
import type { TestReport } from '../scm/provider.js';
import { resolveConnection, storedSettings, type ConnectBody } from './input.js';
import { withProvider } from './providers.js';

export const syncJobKind = 'connection.sync';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared'>;

/**
 * Connect: checks with the SCM before anything is stored (reachable, token valid, scopes enough, target
 * visible), refuses duplicates, then stores the connection with its token encrypted and bound to its row,
 * records its organization and queues the first sync.
 */
export async function connect(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  body: ConnectBody,
): Promise<ConnectionView> {
  const resolved = resolveConnection(body, ctx.config);
  const key = { kind: body.kind, baseUrl: resolved.baseUrl, target: resolved.target };
  if (await findDuplicateConnection(ctx.db, accountId, key)) throw duplicate(resolved.target);
  const validated = await withProvider(ctx, accountId, resolved.settings, (provider) => provider.validate());
  const id = newConnectionId();
  await ctx.db.transaction().execute(async (tx) => {
    if (await findDuplicateConnection(tx, accountId, key)) throw duplicate(resolved.target);
    await ensureOrganizationFree(
      tx,
      accountId,
      body.kind,
      resolved.baseUrl,
      validated.organization.externalId,
    );
    await insertConnection(tx, {
      id,
      accountId,
      kind: body.kind,
      name: resolved.name,
      baseUrl: resolved.baseUrl,
      target: resolved.target,
      settings: { ...resolved.extra, organizationExternalId: validated.organization.externalId },
      tokenEncrypted: ctx.secrets.encrypt(body.token, connectionTokenAad(accountId, id)),
      caPem: resolved.settings.caPem ?? null,
    });
    await upsertOrganization(tx, { accountId, connectionId: id }, validated.organization);
    await recordAudit(tx, {
      accountId,
      actorUserId: actor,
      action: 'connection.created',
      target: id,
      details: { kind: body.kind },
    });
  });
  await enqueueSync(ctx.db, accountId, id, 'connect');
  return (await listConnections(ctx.db, accountId, id))[0]!;
}

/** The same organization of the same SCM connected twice (another spelling of the path, say) is a duplicate too. */
async function ensureOrganizationFree(
  db: Db,
  accountId: string,
  kind: string,
  baseUrl: string,
  externalId: string,
) {
  const taken = await db
    .selectFrom('organizations')
    .innerJoin('connections', 'connections.id', 'organizations.connection_id')
    .select('connections.target')
    .where('organizations.account_id', '=', accountId)
    .where('organizations.external_id', '=', externalId)
    .where('connections.kind', '=', kind)
    .where('connections.base_url', '=', baseUrl)
    .executeTakeFirst();
  if (taken) throw duplicate(taken.target);
}

const duplicate = (target: string) =>
  conflict(
    'duplicate_connection',
    `${target} is connected already in this account; update that connection instead.`,
  );

export async function enqueueSync(
  db: Db,
  accountId: string,
  connectionId: string,
  reason: string,
): Promise<Job> {
  return enqueueJob(db, {
    accountId,
    kind: syncJobKind,
    payload: { connectionId, reason },
    idempotencyKey: `sync:${connectionId}:${Date.now()}`,
    maxAttempts: 5,
  });
}

/** Runs `use` with the stored connection's provider, its token decrypted for this call only. */
export async function withStoredProvider<T>(
  ctx: Ctx,
  accountId: string,
  connectionId: string,
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  const row = await findConnectionRow(ctx.db, accountId, connectionId);
  if (!row) throw notFound('connection');
  if (!row.token_encrypted) throw new AppError(409, 'not_connected', 'This connection has no token yet.');
  const token = ctx.secrets.decrypt(row.token_encrypted, connectionTokenAad(accountId, connectionId));
  return withProvider(ctx, accountId, storedSettings(row, token, ctx.config), use);
}

/** Test connection: the full report, kept as the connection's last result; SCM problems are rows, not errors. */
export async function testConnection(ctx: Ctx, accountId: string, connectionId: string): Promise<TestReport> {
  const report = await withStoredProvider(ctx, accountId, connectionId, (provider) =>
    provider.testConnection(),
  );
  await updateConnection(ctx.db, accountId, connectionId, {
    last_test: JSON.stringify(report),
    status: report.ok ? 'connected' : 'error',
  });
  return report;
}

export interface ConnectionChanges {
  readonly token?: string | undefined;
  readonly caPem?: string | null | undefined;
  readonly name?: string | undefined;
}

/** A new token or CA is checked against the SCM first; when it does not work, the old one stays. */
export async function changeConnection(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  connectionId: string,
  changes: ConnectionChanges,
): Promise<ConnectionView> {
  const row = await findConnectionRow(ctx.db, accountId, connectionId);
  if (!row) throw notFound('connection');
  if (
    changes.caPem !== undefined &&
    row.kind !== 'gitlab-self-managed' &&
    row.kind !== 'bitbucket-data-center'
  ) {
    throw new AppError(
      400,
      'validation_failed',
      'body.caPem: only self-managed instances take a CA certificate.',
    );
  }
  const aad = connectionTokenAad(accountId, connectionId);
  if (changes.token !== undefined || changes.caPem !== undefined) {
    const token = changes.token ?? ctx.secrets.decrypt(row.token_encrypted!, aad);
    const caPem = changes.caPem === undefined ? row.ca_pem : changes.caPem;
    const settings: ConnectionSettings = storedSettings({ ...row, ca_pem: caPem }, token, ctx.config);
    const validated = await withProvider(ctx, accountId, settings, (provider) => provider.validate());
    const known = (JSON.parse(row.settings) as { organizationExternalId?: string }).organizationExternalId;
    if (known && known !== validated.organization.externalId) {
      throw new AppError(
        422,
        'target_changed',
        `The new token reaches another ${row.target} than the one connected; connect it separately.`,
      );
    }
  }
  await ctx.db.transaction().execute(async (tx) => {
    await updateConnection(tx, accountId, connectionId, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.token !== undefined
        ? {
            token_encrypted: ctx.secrets.encrypt(changes.token, aad),
            token_updated_at: new Date().toISOString(),
            status: 'connected' as const,
          }
        : {}),
      ...(changes.caPem !== undefined ? { ca_pem: changes.caPem } : {}),
    });
    await recordAudit(tx, {
      accountId,
      actorUserId: actor,
      action: 'connection.updated',
      target: connectionId,
      details: {
        tokenChanged: changes.token !== undefined,
        caChanged: changes.caPem !== undefined,
        renamed: changes.name !== undefined,
      },
    });
  });
  return (await listConnections(ctx.db, accountId, connectionId))[0]!;
}

export async function removeConnection(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  connectionId: string,
): Promise<void> {
  if (!(await deleteConnection(ctx.db, accountId, connectionId))) throw notFound('connection');
  await recordAudit(ctx.db, {
    accountId,
    actorUserId: actor,
    action: 'connection.removed',
    target: connectionId,
  });
}
