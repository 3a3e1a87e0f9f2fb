import { randomUUID } from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../core/errors.js';
import type { ServiceContext } from '../context.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import { recordAudit } from '../db/audit.js';
import {
  deleteConnection,
  findConnectionRow,
  findDuplicateConnection,
  healthy,
  insertConnection,
  listConnections,
  newConnectionId,
  recordTestOutcome,
  updateConnection,
  type ConnectionView,
} from '../db/connections.js';
import type { Db } from '../db/database.js';
import { upsertOrganization } from '../db/inventory.js';
import { connectionTokenAad } from '../db/secret-columns.js';
import { enqueueJobOnce, listJobs, type Job } from '../jobs/index.js';
import type { ValidatedConnection } from '../scm/connection-settings.js';
import type { TestReport, WebhookRegistrar } from '../scm/provider.js';
import { readStoredToken, reportProblem, UnreadableTokenError, unreadableTokenReport } from './health.js';
import {
  isSelfManagedKind,
  resolveConnection,
  storedBaseUrl,
  storedSettings,
  type ConnectBody,
} from './input.js';
import { hasRegisteredHook, lastDeliveryAt, registerHook, removeHooks, withHookOutcome } from './hooks.js';
import { withProvider } from './providers.js';
import { connectEnterprise } from './github/enterprise-connect.js';
import { isAppKind } from './github/installation-provider.js';
import { storedToken, withRowProvider } from './stored-provider.js';

export const syncJobKind = 'connection.sync';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'logger' | 'githubApps'>;

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
  if (body.kind === 'github-enterprise') return connectEnterprise(ctx, accountId, actor, body);
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
  await registerHook(ctx, { accountId, connectionId: id, kind: body.kind });
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

/**
 * Queues a sync of the connection, or returns the one still queued (not yet running), so "Sync now" pressed
 * twice runs one sync. Race-safe without a lock: the newest sync job is read before the queued one, and a new
 * job's idempotency key names that newest job, so callers that both find none queued write the same key and
 * the unique index gives them one job.
 */
export async function enqueueSync(
  db: Db,
  accountId: string,
  connectionId: string,
  reason: string,
): Promise<Job> {
  const syncs = { kind: syncJobKind, connectionId, limit: 1 } as const;
  const newest = (await listJobs(db, accountId, syncs)).jobs[0];
  const queued = (await listJobs(db, accountId, { ...syncs, status: 'queued' })).jobs[0];
  if (queued) return queued;
  const enqueue = (key: string) =>
    enqueueJobOnce(db, {
      accountId,
      kind: syncJobKind,
      payload: { connectionId, reason },
      idempotencyKey: `sync:${connectionId}:${key}`,
      maxAttempts: 5,
    });
  const { job, created } = await enqueue(`after:${newest?.id ?? 'none'}`);
  if (created || job.status === 'queued' || job.status === 'running') return job;
  // The key was taken by a job that has finished (two syncs created within one millisecond): queue afresh.
  return (await enqueue(randomUUID())).job;
}

/**
 * Test connection: the full report, kept as the connection's last result, and the connection's status follows
 * it (needs attention with the first failing line, connected when it passes). SCM problems are rows, not
 * errors; so is a stored token that no longer decrypts.
 */
export async function testConnection(ctx: Ctx, accountId: string, connectionId: string): Promise<TestReport> {
  const row = await findConnectionRow(ctx.db, accountId, connectionId);
  if (!row) throw notFound('connection');
  const owner = { accountId, connectionId, kind: row.kind as ScmKindId };
  let report: TestReport;
  try {
    report = await withRowProvider(ctx, row, async (provider) => {
      const tested = await provider.testConnection();
      return tested.identity ? withHook(ctx, owner, provider.webhooks, tested) : tested;
    });
  } catch (error) {
    if (!(error instanceof UnreadableTokenError)) throw error;
    report = unreadableTokenReport(new Date());
  }
  await recordTestOutcome(ctx.db, accountId, connectionId, report, reportProblem(report));
  return report;
}

/** A working token and no hook yet: register it now (the admin may have just fixed what stopped it) and say how it went. */
async function withHook(
  ctx: Ctx,
  owner: { accountId: string; connectionId: string; kind: ScmKindId },
  registrar: WebhookRegistrar | undefined,
  report: TestReport,
) {
  if (await hasRegisteredHook(ctx, owner)) {
    return withHookOutcome(report, null, true, await lastDeliveryAt(ctx, owner));
  }
  const problem = await registerHook(ctx, owner, registrar);
  return withHookOutcome(report, problem, problem === null);
}

export interface ConnectionChanges {
  readonly token?: string | undefined;
  readonly caPem?: string | null | undefined;
  readonly name?: string | undefined;
  /** Self-managed kinds: the instance's new address. */
  readonly baseUrl?: string | undefined;
}

/**
 * Edit: a new token, instance URL or CA certificate is checked with the SCM first (it must reach the same
 * organization as before) and replaces the old only when it works; all changes are then written at once, so a
 * refusal leaves the connection as it was. A rename alone asks nothing of the SCM and works whatever the state
 * of the stored token.
 */
export async function changeConnection(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  connectionId: string,
  changes: ConnectionChanges,
): Promise<ConnectionView> {
  const row = await findConnectionRow(ctx.db, accountId, connectionId);
  if (!row) throw notFound('connection');
  if (isAppKind(row.kind) && (changes.token ?? changes.caPem ?? changes.baseUrl) !== undefined) {
    const field = changes.token !== undefined ? 'token' : changes.caPem !== undefined ? 'caPem' : 'baseUrl';
    throw badRequest(
      'validation_failed',
      `body.${field}: a GitHub App connection talks as the installed app and has no ${field === 'token' ? 'token' : 'address or CA certificate'} to change here; only its name can be edited.`,
    );
  }
  const selfManaged = isSelfManagedKind(row.kind);
  if (changes.caPem !== undefined && !selfManaged) {
    throw badRequest('validation_failed', 'body.caPem: only self-managed instances take a CA certificate.');
  }
  if (changes.baseUrl !== undefined && !selfManaged) {
    throw badRequest(
      'validation_failed',
      `body.baseUrl: a ${row.kind} connection uses the service's configured address; only self-managed instances have a URL to change.`,
    );
  }
  const baseUrl = changes.baseUrl === undefined ? row.base_url : storedBaseUrl(changes.baseUrl, ctx.config);
  const moved = baseUrl !== row.base_url;
  const key = { kind: row.kind, baseUrl, target: row.target };
  if (moved && (await findDuplicateConnection(ctx.db, accountId, key))) throw duplicate(row.target);
  const caPem = changes.caPem === undefined ? row.ca_pem : changes.caPem;
  let validated: ValidatedConnection | undefined;
  if (changes.token !== undefined || changes.caPem !== undefined || moved) {
    const token = changes.token ?? readTokenForCheck(ctx, row);
    const settings = storedSettings({ ...row, base_url: baseUrl, ca_pem: caPem }, token, ctx.config);
    validated = await withProvider(ctx, accountId, settings, (provider) => provider.validate());
    const known = (JSON.parse(row.settings) as { organizationExternalId?: string }).organizationExternalId;
    if (known && known !== validated.organization.externalId) {
      throw new AppError(
        422,
        'target_changed',
        moved
          ? `${row.target} at ${baseUrl} is not the one connected (its id differs); connect that instance separately.`
          : `The new token reaches another ${row.target} than the one connected; connect it separately.`,
      );
    }
  }
  const aad = connectionTokenAad(accountId, connectionId);
  await ctx.db.transaction().execute(async (tx) => {
    if (moved && (await findDuplicateConnection(tx, accountId, key))) throw duplicate(row.target);
    await updateConnection(tx, accountId, connectionId, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(moved ? { base_url: baseUrl } : {}),
      ...(changes.token !== undefined
        ? {
            token_encrypted: ctx.secrets.encrypt(changes.token, aad),
            token_updated_at: new Date().toISOString(),
          }
        : {}),
      ...(changes.caPem !== undefined ? { ca_pem: changes.caPem } : {}),
      // What was just checked works: whatever the connection needed attention for is fixed or is found again.
      ...(validated ? healthy : {}),
    });
    if (validated) await upsertOrganization(tx, { accountId, connectionId }, validated.organization);
    await recordAudit(tx, {
      accountId,
      actorUserId: actor,
      action: 'connection.updated',
      target: connectionId,
      details: {
        tokenChanged: changes.token !== undefined,
        caChanged: changes.caPem !== undefined,
        urlChanged: moved,
        renamed: changes.name !== undefined,
      },
    });
  });
  // Repository links follow the instance's address, and a new token may see what the old one did not.
  if (validated) await enqueueSync(ctx.db, accountId, connectionId, 'updated');
  return (await listConnections(ctx.db, accountId, connectionId))[0]!;
}

/** The stored token, to check a new URL or CA certificate with; when it no longer decrypts, a new one is needed. */
function readTokenForCheck(
  ctx: Ctx,
  row: { account_id: string; id: string; token_encrypted: string | null },
) {
  try {
    return readStoredToken(ctx.secrets, storedToken(row));
  } catch (error) {
    if (!(error instanceof UnreadableTokenError)) throw error;
    throw new UnreadableTokenError(
      'The stored token of this connection can no longer be read, so the new URL or CA certificate cannot be ' +
        'checked with it: enter the token again together with the change.',
    );
  }
}

export async function removeConnection(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  connectionId: string,
): Promise<void> {
  if (!(await findConnectionRow(ctx.db, accountId, connectionId))) throw notFound('connection');
  await removeHooks(ctx, { accountId, connectionId });
  if (!(await deleteConnection(ctx.db, accountId, connectionId))) throw notFound('connection');
  await recordAudit(ctx.db, {
    accountId,
    actorUserId: actor,
    action: 'connection.removed',
    target: connectionId,
  });
}
