import { randomBytes } from 'node:crypto';
import type { Db } from '../db/database.js';
import { prepareQuery, type PreparedTarget } from '../db/prepared.js';
import { webhookSecretAad } from '../db/secret-columns.js';
import { badRequest } from '../core/errors.js';
import type { EndpointSecrets, WebhookKind } from '../scm/webhook-receiver.js';
import { isSigningSecret } from '../scm/webhook-signatures.js';
import type { SecretBox } from '../secrets/index.js';

/** A hook endpoint as the receiver route reads it: routing facts and the secrets still encrypted. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly accountId: string;
  readonly connectionId: string | null;
  readonly kind: string;
  readonly secretEncrypted: string;
  readonly signingSecretEncrypted: string | null;
  readonly lastFailureAt: string | null;
}

export interface NewWebhookEndpoint {
  readonly accountId: string;
  /** The connection whose hook it is. */
  readonly connectionId: string;
  /**
   * GitHub connections: the app whose deliveries the connection receives. They arrive at the app's own address
   * (`/webhooks/github`) and are verified with the app's secret; this row records them for the connection.
   */
  readonly appId?: string;
  readonly kind: WebhookKind;
  /** See {@link EndpointSecrets.secret}; {@link newWebhookSecret} makes one. */
  readonly secret: string;
  /** GitLab only: the signing token (`whsec_` + base64), stored once GitLab confirms the hook has it. */
  readonly signingSecret?: string;
  /** A hook that exists already when the endpoint is made: a GitHub App's one webhook, configured with the app. */
  readonly registeredHookIds?: readonly string[];
}

const hookIdPattern = /^[A-Za-z0-9_-]{43}$/;

/** Whether a path segment can be a hook id at all (refused before any lookup). */
export const isHookId = (value: string): boolean => hookIdPattern.test(value);

/** A random secret for a hook (HMAC key or secret token), 256 bits. */
export const newWebhookSecret = (): string => randomBytes(32).toString('base64url');

/** The path SCMs deliver to for an endpoint. */
export const webhookPath = (kind: WebhookKind, hookId: string): string => `/webhooks/${kind}/${hookId}`;

function checkSecrets(input: NewWebhookEndpoint): void {
  if (input.secret.length < 16)
    throw badRequest('weak_webhook_secret', 'A webhook secret needs at least 16 characters.');
  if (input.kind === 'azure-devops') {
    const colon = input.secret.indexOf(':');
    if (colon < 1 || colon === input.secret.length - 1) {
      throw badRequest(
        'invalid_webhook_secret',
        'Azure DevOps service hooks take basic-auth credentials as "user:password".',
      );
    }
  }
  if (input.signingSecret !== undefined) {
    if (input.kind !== 'gitlab')
      throw badRequest('invalid_webhook_secret', 'Only GitLab hooks have a signing token.');
    if (!isSigningSecret(input.signingSecret)) {
      throw badRequest(
        'invalid_webhook_secret',
        'A GitLab signing token is "whsec_" followed by a base64 key of 24 bytes or more.',
      );
    }
  }
}

/**
 * Stores a new endpoint with an unguessable id (256 random bits) and its secrets encrypted, each bound to the new
 * row; returns the id, the `{hookId}` of its address.
 */
export async function createWebhookEndpoint(
  db: Db,
  box: SecretBox,
  input: NewWebhookEndpoint,
): Promise<string> {
  checkSecrets(input);
  const id = randomBytes(32).toString('base64url');
  const now = new Date().toISOString();
  await db
    .insertInto('webhook_endpoints')
    .values({
      id,
      account_id: input.accountId,
      connection_id: input.connectionId,
      app_id: input.appId ?? null,
      kind: input.kind,
      secret_encrypted: box.encrypt(input.secret, webhookSecretAad(input.accountId, id, 'secret')),
      signing_secret_encrypted:
        input.signingSecret === undefined
          ? null
          : box.encrypt(input.signingSecret, webhookSecretAad(input.accountId, id, 'signing-secret')),
      created_at: now,
      updated_at: now,
      last_delivery_at: null,
      last_failure_at: null,
      last_failure: null,
      registered_hook_ids: input.registeredHookIds ? JSON.stringify(input.registeredHookIds) : null,
      registered_at: input.registeredHookIds ? now : null,
      registration_problem: null,
      silent_activity_at: null,
    })
    .execute();
  return id;
}

/** The endpoint lookup every delivery makes, compiled once. */
export function createEndpointLookup(
  target: PreparedTarget,
): (hookId: string) => Promise<WebhookEndpoint | undefined> {
  const query = prepareQuery<
    [string],
    {
      id: string;
      account_id: string;
      connection_id: string | null;
      kind: string;
      secret_encrypted: string;
      signing_secret_encrypted: string | null;
      last_failure_at: string | null;
    }
  >(target, 1, (hookId) =>
    target.db
      .selectFrom('webhook_endpoints')
      .select([
        'id',
        'account_id',
        'connection_id',
        'kind',
        'secret_encrypted',
        'signing_secret_encrypted',
        'last_failure_at',
      ])
      .where('id', '=', hookId!),
  );
  return async (hookId) => {
    const [row] = await query(hookId);
    return (
      row && {
        id: row.id,
        accountId: row.account_id,
        connectionId: row.connection_id,
        kind: row.kind,
        secretEncrypted: row.secret_encrypted,
        signingSecretEncrypted: row.signing_secret_encrypted,
        lastFailureAt: row.last_failure_at,
      }
    );
  };
}

/** The endpoint's secrets in clear, for one check. */
export function openEndpointSecrets(box: SecretBox, endpoint: WebhookEndpoint): EndpointSecrets {
  return {
    secret: box.decrypt(
      endpoint.secretEncrypted,
      webhookSecretAad(endpoint.accountId, endpoint.id, 'secret'),
    ),
    signingSecret:
      endpoint.signingSecretEncrypted === null
        ? null
        : box.decrypt(
            endpoint.signingSecretEncrypted,
            webhookSecretAad(endpoint.accountId, endpoint.id, 'signing-secret'),
          ),
  };
}

/** Refusals are recorded at most once a second per endpoint, so a flood of forged deliveries is not a flood of writes. */
const failureWriteIntervalMs = 1000;

/** Keeps why the endpoint last refused a delivery (connection health shows it). */
export async function recordEndpointFailure(
  db: Db,
  endpoint: WebhookEndpoint,
  message: string,
  now: Date,
): Promise<void> {
  if (
    endpoint.lastFailureAt !== null &&
    now.getTime() - Date.parse(endpoint.lastFailureAt) < failureWriteIntervalMs
  ) {
    return;
  }
  const at = now.toISOString();
  await db
    .updateTable('webhook_endpoints')
    .set({ last_failure_at: at, last_failure: message.slice(0, 500), updated_at: at })
    .where('id', '=', endpoint.id)
    .execute();
}

export interface WebhookHealth {
  readonly hookId: string;
  readonly kind: string;
  readonly lastDeliveryAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastFailure: string | null;
}

/** What the connection's endpoints last received and last refused, for its health; none of their secrets. */
export async function webhookHealth(
  db: Db,
  accountId: string,
  connectionId: string,
): Promise<WebhookHealth[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'kind', 'last_delivery_at', 'last_failure_at', 'last_failure'])
    .where('account_id', '=', accountId)
    .where('connection_id', '=', connectionId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    hookId: row.id,
    kind: row.kind,
    lastDeliveryAt: row.last_delivery_at,
    lastFailureAt: row.last_failure_at,
    lastFailure: row.last_failure,
  }));
}
