import { conflict } from '../../core/errors.js';
import type { ServiceContext } from '../../context.js';
import { recordAudit } from '../../db/audit.js';
import {
  findConnectionRow,
  insertConnection,
  listConnections,
  newConnectionId,
  updateConnection,
  type ConnectionView,
} from '../../db/connections.js';
import type { Db } from '../../db/database.js';
import { webhookSecretAad } from '../../db/secret-columns.js';
import { probeEnterpriseServer } from '../../scm/github/instance-probe.js';
import type { SecretBox } from '../../secrets/index.js';
import { createWebhookEndpoint, newWebhookSecret } from '../../webhooks/endpoints.js';
import { storedBaseUrl } from '../input.js';
import { withHttpFor } from '../providers.js';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared'>;

/** Add GitHub Enterprise: the organization that will own the app, the instance's address, its CA if custom. */
export interface EnterpriseConnectInput {
  readonly organization: string;
  readonly baseUrl: string;
  readonly caPem?: string | undefined;
  readonly name?: string | undefined;
}

/**
 * Add GitHub Enterprise saves the entry the app is then registered for: the instance must answer as a GitHub
 * Enterprise Server (through the guarded HTTP layer, with the CA given) before anything is stored. One entry per
 * instance and account: further organizations of the instance install the entry's app through its public link.
 * The entry waits (`pending`) until its app is registered and installed; its webhook endpoint exists from now
 * on, so the app's manifest can name it.
 */
export async function connectEnterprise(
  ctx: Ctx,
  accountId: string,
  actor: string | null,
  input: EnterpriseConnectInput,
): Promise<ConnectionView> {
  const baseUrl = storedBaseUrl(input.baseUrl, ctx.config);
  if (await findEnterpriseConnection(ctx.db, accountId, baseUrl)) throw duplicate(baseUrl);
  const { version } = await withHttpFor(
    ctx,
    accountId,
    { baseUrl: new URL(baseUrl), ...(input.caPem ? { caPem: input.caPem } : {}) },
    probeEnterpriseServer,
  );
  const id = newConnectionId();
  await ctx.db.transaction().execute(async (tx) => {
    if (await findEnterpriseConnection(tx, accountId, baseUrl)) throw duplicate(baseUrl);
    await insertConnection(tx, {
      id,
      accountId,
      kind: 'github-enterprise',
      name: input.name ?? input.organization,
      baseUrl,
      target: input.organization,
      settings: { serverVersion: version },
      tokenEncrypted: null,
      caPem: input.caPem ?? null,
    });
    await updateConnection(tx, accountId, id, { status: 'pending' });
    // Its secret is replaced by the app's webhook secret once GitHub has generated one (at registration).
    const endpointId = await createWebhookEndpoint(tx, ctx.secrets, {
      accountId,
      connectionId: id,
      kind: 'github',
      secret: newWebhookSecret(),
    });
    await tx
      .updateTable('webhook_endpoints')
      .set({ registration_problem: JSON.stringify(appNotRegistered) })
      .where('id', '=', endpointId)
      .execute();
    await recordAudit(tx, {
      accountId,
      actorUserId: actor,
      action: 'connection.created',
      target: id,
      details: { kind: 'github-enterprise', serverVersion: version },
    });
  });
  return (await listConnections(ctx.db, accountId, id))[0]!;
}

/** Why the entry has no webhooks yet: its app, which sends them, is not registered. */
const appNotRegistered = {
  code: 'github_app_not_registered',
  message: 'Click Register app: the GitHub App it creates on the instance sends the webhooks.',
};

const findEnterpriseConnection = (db: Db, accountId: string, baseUrl: string) =>
  db
    .selectFrom('connections')
    .select('id')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'github-enterprise')
    .where('base_url', '=', baseUrl)
    .executeTakeFirst();

const duplicate = (baseUrl: string) =>
  conflict(
    'duplicate_connection',
    `${baseUrl} is connected already in this account. Further organizations of it install that connection's app through its public link.`,
  );

/**
 * A GitHub Enterprise Server connection's app was registered: its one webhook (on the connection's endpoint)
 * is signed with the app's secret from now on. Runs in the transaction that stores the app.
 */
export async function attachEnterpriseApp(
  db: Db,
  secrets: SecretBox,
  app: {
    readonly accountId: string;
    readonly connectionId: string;
    readonly appId: string;
    readonly webhookSecret: string;
  },
): Promise<void> {
  const endpoint = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('account_id', '=', app.accountId)
    .where('connection_id', '=', app.connectionId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('webhook_endpoints')
    .set({
      app_id: app.appId,
      secret_encrypted: secrets.encrypt(
        app.webhookSecret,
        webhookSecretAad(app.accountId, endpoint.id, 'secret'),
      ),
      registered_hook_ids: JSON.stringify([`app:${app.appId}`]),
      registered_at: new Date().toISOString(),
      registration_problem: null,
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', endpoint.id)
    .execute();
}

/** The endpoint a GitHub Enterprise Server connection's app delivers to, for its manifest's webhook URL. */
export async function enterpriseEndpointId(db: Db, accountId: string, connectionId: string): Promise<string> {
  const row = await findConnectionRow(db, accountId, connectionId);
  if (row?.kind !== 'github-enterprise')
    throw conflict('not_github_enterprise', 'This is not a GitHub Enterprise Server connection.');
  const endpoint = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('account_id', '=', accountId)
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return endpoint.id;
}
