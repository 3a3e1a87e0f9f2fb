import { randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import { nameOrder } from './name-order.js';
import type { ConnectionStatus, ConnectionsTable, Database, StatusReasonSource } from './schema.js';
import { nowIso } from '../core/tokens.js';

export interface OrganizationView {
  readonly id: string;
  readonly name: string;
  readonly webUrl: string;
}

/** A problem as the API shows it: a machine-readable code, a message that says what to fix, and when. */
export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

/** Why a connection needs attention, and whether a sync or a test found it. */
export interface StatusReason extends Problem {
  readonly source: StatusReasonSource;
}

/** The connection's hook as scm-connect knows it. */
export interface WebhookView {
  /** `registered`: the SCM has scm-connect's hook; `not_registered`: see `problem`. */
  readonly status: 'registered' | 'not_registered';
  /** Why there is no hook, and what to do. */
  readonly problem: Omit<Problem, 'at'> | null;
  readonly lastDeliveryAt: string | null;
  /** The last delivery refused (bad signature, wrong secret…). */
  readonly lastFailure: Problem | null;
  /** The SCM showed activity the hook did not report. */
  readonly warning: string | null;
}

/** A GitHub App connection's installation, as the admin manages it. */
export interface GitHubInstallationView {
  /** GitHub's id of the installation, an integer string. */
  readonly installationId: string;
  readonly account: { readonly login: string; readonly type: 'Organization' | 'User' };
  readonly repositorySelection: 'all' | 'selected';
  /** Whether other scm-connect accounts may link this installation too (their admins still prove ownership). */
  readonly allowOtherAccounts: boolean;
  readonly suspendedAt: string | null;
  readonly removedAt: string | null;
  /** The installation's settings page on GitHub: repositories, permissions, suspend, uninstall. */
  readonly settingsUrl: string;
}

export interface ConnectionView {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly target: string;
  readonly status: ConnectionStatus;
  /** Null while connected. */
  readonly statusReason: StatusReason | null;
  readonly hasToken: boolean;
  readonly tokenUpdatedAt: string | null;
  readonly hasCaCertificate: boolean;
  readonly createdAt: string;
  readonly lastTest: unknown;
  readonly lastSyncedAt: string | null;
  /** Why the last sync failed; null once one succeeds. */
  readonly syncError: Problem | null;
  readonly repositoryCount: number;
  readonly organizations: readonly OrganizationView[];
  /** Null until scm-connect has tried to register a hook for the connection. */
  readonly webhook: WebhookView | null;
  /** GitHub App connections only: their own app (GitHub Enterprise Server) and the installations they link. */
  readonly github: GitHubConnectionView | null;
}

/** A GitHub Enterprise Server connection's own app, as its admins share and manage it. */
export interface GitHubAppView {
  readonly appId: string;
  readonly slug: string;
  readonly name: string;
  /** The public link further organizations install the app through. */
  readonly installUrl: string;
  /** The app's settings on the instance (owner org's). */
  readonly settingsUrl: string;
}

export interface GitHubConnectionView {
  /** Null for a GitHub connection (the instance's app) and for an Enterprise Server one not registered yet. */
  readonly app: GitHubAppView | null;
  /** Oldest first; removed ones included (with `removedAt`). */
  readonly installations: readonly GitHubInstallationView[];
}

type InstallationRow = Pick<
  Database['github_installations'],
  | 'connection_id'
  | 'web_url'
  | 'installation_id'
  | 'target_login'
  | 'target_type'
  | 'repository_selection'
  | 'allow_other_accounts'
  | 'suspended_at'
  | 'removed_at'
>;

function appView(
  row: Pick<Database['github_apps'], 'web_url' | 'app_id' | 'slug' | 'name' | 'owner'>,
): GitHubAppView {
  const slug = encodeURIComponent(row.slug);
  const settings = row.owner ? `organizations/${encodeURIComponent(row.owner)}/settings` : 'settings';
  return {
    appId: row.app_id,
    slug: row.slug,
    name: row.name,
    installUrl: `${row.web_url}/github-apps/${slug}/installations/new`,
    settingsUrl: `${row.web_url}/${settings}/apps/${slug}`,
  };
}

function installationView(row: InstallationRow): GitHubInstallationView {
  const login = encodeURIComponent(row.target_login);
  const settings = row.target_type === 'Organization' ? `organizations/${login}/settings` : 'settings';
  return {
    installationId: row.installation_id,
    account: { login: row.target_login, type: row.target_type },
    repositorySelection: row.repository_selection,
    allowOtherAccounts: row.allow_other_accounts === 1,
    suspendedAt: row.suspended_at,
    removedAt: row.removed_at,
    settingsUrl: `${row.web_url}/${settings}/installations/${row.installation_id}`,
  };
}

type EndpointRow = Pick<
  Database['webhook_endpoints'],
  | 'connection_id'
  | 'registered_hook_ids'
  | 'registration_problem'
  | 'last_delivery_at'
  | 'last_failure_at'
  | 'last_failure'
  | 'silent_activity_at'
>;

function webhookView(row: EndpointRow): WebhookView {
  const silent =
    row.silent_activity_at !== null &&
    (row.last_delivery_at === null || row.last_delivery_at < row.silent_activity_at);
  return {
    status: row.registered_hook_ids ? 'registered' : 'not_registered',
    problem: row.registration_problem ? (JSON.parse(row.registration_problem) as Omit<Problem, 'at'>) : null,
    lastDeliveryAt: row.last_delivery_at,
    lastFailure:
      row.last_failure_at && row.last_failure
        ? { code: 'webhook_refused', message: row.last_failure, at: row.last_failure_at }
        : null,
    warning: silent
      ? `The last sync found repositories added or removed on the source code manager that no webhook ` +
        `delivery reported: check that the hook is still there and active, then run Test connection.`
      : null,
  };
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
  const rows = await query.orderBy(nameOrder('name')).orderBy('name').orderBy('kind').orderBy('id').execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const organizations = await db
    .selectFrom('organizations')
    .select(['id', 'connection_id', 'name', 'web_url'])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .orderBy(nameOrder('name'))
    .orderBy('name')
    .execute();
  const counts = await db
    .selectFrom('repositories')
    .select((eb) => ['connection_id', eb.fn.countAll<string | number>().as('n')])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .groupBy('connection_id')
    .execute();
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['connection_id', 'registered_hook_ids', 'registration_problem', 'last_delivery_at'])
    .select(['last_failure_at', 'last_failure', 'silent_activity_at'])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .execute();
  const installations = await db
    .selectFrom('github_installations')
    .select(['connection_id', 'web_url', 'installation_id', 'target_login', 'target_type'])
    .select(['repository_selection', 'allow_other_accounts', 'suspended_at', 'removed_at'])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const apps = await db
    .selectFrom('github_apps')
    .select(['connection_id', 'web_url', 'app_id', 'slug', 'name', 'owner'])
    .where('account_id', '=', accountId)
    .where('connection_id', 'in', ids)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    name: row.name,
    baseUrl: row.base_url,
    target: row.target,
    status: row.status,
    statusReason:
      row.status_reason_code && row.status_reason_message && row.status_reason_at && row.status_reason_source
        ? {
            code: row.status_reason_code,
            message: row.status_reason_message,
            at: row.status_reason_at,
            source: row.status_reason_source,
          }
        : null,
    hasToken: row.token_encrypted !== null,
    tokenUpdatedAt: row.token_updated_at,
    hasCaCertificate: row.ca_pem !== null,
    createdAt: row.created_at,
    lastTest: row.last_test ? (JSON.parse(row.last_test) as unknown) : null,
    lastSyncedAt: row.last_synced_at,
    syncError: row.sync_error
      ? {
          code: row.sync_error_code ?? 'sync_failed',
          message: row.sync_error,
          at: row.sync_error_at ?? row.updated_at,
        }
      : null,
    repositoryCount: Number(counts.find((c) => c.connection_id === row.id)?.n ?? 0),
    organizations: organizations
      .filter((o) => o.connection_id === row.id)
      .map((o) => ({ id: o.id, name: o.name, webUrl: o.web_url })),
    webhook: ((endpoint) => (endpoint ? webhookView(endpoint) : null))(
      endpoints.find((e) => e.connection_id === row.id),
    ),
    github:
      row.kind === 'github' || row.kind === 'github-enterprise'
        ? {
            app: ((app) => (app ? appView(app) : null))(apps.find((a) => a.connection_id === row.id)),
            installations: installations.filter((i) => i.connection_id === row.id).map(installationView),
          }
        : null,
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
  /** Null for app-based kinds (GitHub), whose tokens are minted per call. */
  readonly tokenEncrypted: string | null;
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
      settings: JSON.stringify(input.settings),
      token_encrypted: input.tokenEncrypted,
      ca_pem: input.caPem,
      token_updated_at: input.tokenEncrypted === null ? null : now,
      last_test: null,
      created_at: now,
      updated_at: now,
      last_synced_at: null,
      sync_error: null,
      sync_error_code: null,
      sync_error_at: null,
      ...healthy,
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
      | 'base_url'
      | 'token_encrypted'
      | 'token_updated_at'
      | 'ca_pem'
      | 'status'
      | 'last_test'
      | 'last_synced_at'
      | 'sync_error'
      | 'status_reason_code'
      | 'status_reason_message'
      | 'status_reason_at'
      | 'status_reason_source'
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

/** The columns of a connection that works: connected, no reason. */
export const healthy = {
  status: 'connected',
  status_reason_code: null,
  status_reason_message: null,
  status_reason_at: null,
  status_reason_source: null,
} as const;

/** The columns of a connection that needs attention for `problem`, found by `source`. */
export const needsAttention = (
  problem: { readonly code: string; readonly message: string },
  source: StatusReasonSource,
  at: string,
) =>
  ({
    status: 'needs_attention',
    status_reason_code: problem.code,
    status_reason_message: problem.message,
    status_reason_at: at,
    status_reason_source: source,
  }) as const;

/** A failed sync: kept as the sync error, and the connection needs attention for it. */
export async function recordSyncFailure(
  db: Db,
  accountId: string,
  connectionId: string,
  problem: { readonly code: string; readonly message: string },
): Promise<void> {
  const at = nowIso();
  await db
    .updateTable('connections')
    .set({
      sync_error: problem.message,
      sync_error_code: problem.code,
      sync_error_at: at,
      ...needsAttention(problem, 'sync', at),
      updated_at: at,
    })
    .where('account_id', '=', accountId)
    .where('id', '=', connectionId)
    .execute();
}

/**
 * A complete sync: the sync error is cleared, and so is a reason a sync gave (one a test found stays until a
 * test passes: listing repositories says nothing about, say, reading members).
 */
export async function recordSyncSuccess(
  db: Db,
  accountId: string,
  connectionId: string,
  syncedAt: string,
): Promise<void> {
  const at = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('connections')
      .set({
        last_synced_at: syncedAt,
        sync_error: null,
        sync_error_code: null,
        sync_error_at: null,
        updated_at: at,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', connectionId)
      .execute();
    await tx
      .updateTable('connections')
      .set({ ...healthy, updated_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', connectionId)
      .where('status_reason_source', '=', 'sync')
      .execute();
  });
}

/** A test's report kept as the last test; the connection works when `problem` is undefined. */
export async function recordTestOutcome(
  db: Db,
  accountId: string,
  connectionId: string,
  report: { readonly checkedAt: string },
  problem: { readonly code: string; readonly message: string } | undefined,
): Promise<void> {
  await updateConnection(db, accountId, connectionId, {
    last_test: JSON.stringify(report),
    ...(problem ? needsAttention(problem, 'test', report.checkedAt) : healthy),
  });
}

/**
 * Points every connection (of any account) whose instance URL is `from` at `to`; returns how many moved. For
 * an instance that moved to another address, e.g. the demo's stand-ins on new ports after a restart.
 */
export async function moveBaseUrl(db: Db, from: string, to: string): Promise<number> {
  const result = await db
    .updateTable('connections')
    .set({ base_url: to, updated_at: nowIso() })
    .where('base_url', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
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
