import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ScmKindId } from '../core/scm-kinds.js';
import type { Db } from '../db/database.js';
import { webhookSecretAad } from '../db/secret-columns.js';
import { ScmError } from '../scm/errors.js';
import type { WebhookRegistrar } from '../scm/provider.js';
import { webhookKindOf } from '../scm/webhook-receiver.js';
import type { SecretBox } from '../secrets/index.js';
import { createWebhookEndpoint, newWebhookSecret, openEndpointSecrets, webhookPath } from './endpoints.js';

/** Why scm-connect has no hook on the SCM for a connection, in words that say what to do. */
export interface HookProblem {
  readonly code: string;
  readonly message: string;
}

export interface HookRegistrationDeps {
  readonly db: Db;
  readonly secrets: SecretBox;
  /** Where the SCMs reach scm-connect (`SCM_CONNECT_PUBLIC_URL`); without it no hook can be registered. */
  readonly publicUrl: URL | undefined;
  readonly logger: Logger;
}

export interface HookOwner {
  readonly accountId: string;
  readonly connectionId: string;
  readonly kind: ScmKindId;
}

const scheduleCovers =
  'Until then the scheduled sync keeps the inventory current, hours rather than seconds behind.';

/**
 * The endpoint secret for a kind: Azure DevOps service hooks authenticate with basic-auth credentials of their
 * own (`user:password`), the others sign or send one random secret.
 */
const secretFor = (kind: ScmKindId): string =>
  kind === 'azure-devops' ? `scm-connect:${randomBytes(24).toString('base64url')}` : newWebhookSecret();

const findEndpoint = (db: Db, owner: HookOwner) =>
  db
    .selectFrom('webhook_endpoints')
    .select(['id', 'account_id', 'connection_id', 'kind', 'secret_encrypted', 'signing_secret_encrypted'])
    .select(['last_failure_at'])
    .where('account_id', '=', owner.accountId)
    .where('connection_id', '=', owner.connectionId)
    .orderBy('created_at')
    .executeTakeFirst();

/** The connection's endpoint, made on first use. */
async function endpointOf(deps: HookRegistrationDeps, owner: HookOwner) {
  const found = await findEndpoint(deps.db, owner);
  if (found) return found;
  try {
    await createWebhookEndpoint(deps.db, deps.secrets, {
      accountId: owner.accountId,
      connectionId: owner.connectionId,
      kind: webhookKindOf[owner.kind],
      secret: secretFor(owner.kind),
    });
  } catch (error) {
    // One endpoint per connection (a unique index): another request made it first.
    if (!(await findEndpoint(deps.db, owner))) throw error;
  }
  return (await findEndpoint(deps.db, owner))!;
}

async function recordRegistration(
  db: Db,
  endpointId: string,
  values: { hookIds: readonly string[] | null; problem: HookProblem | null; signingSecretEncrypted?: string },
): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({
      registered_hook_ids: values.hookIds ? JSON.stringify(values.hookIds) : null,
      registered_at: values.hookIds ? new Date().toISOString() : null,
      registration_problem: values.problem ? JSON.stringify(values.problem) : null,
      ...(values.signingSecretEncrypted ? { signing_secret_encrypted: values.signingSecretEncrypted } : {}),
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', endpointId)
    .execute();
}

/** What stops registering before the SCM is asked, if anything. */
function precondition(deps: HookRegistrationDeps, owner: HookOwner, registrar: WebhookRegistrar | undefined) {
  if (!registrar) {
    return {
      code: 'webhooks_unsupported',
      message: `scm-connect does not register hooks on this kind of connection. ${scheduleCovers}`,
    };
  }
  if (!deps.publicUrl) {
    return {
      code: 'public_url_missing',
      message:
        'Set SCM_CONNECT_PUBLIC_URL to the address the source code manager reaches scm-connect at, then run ' +
        `Test connection to register the hook. ${scheduleCovers}`,
    };
  }
  if (owner.kind === 'azure-devops' && deps.publicUrl.protocol !== 'https:') {
    return {
      code: 'https_required',
      message:
        'Azure DevOps sends the hook credentials with every delivery, so scm-connect takes them over https only: ' +
        `set SCM_CONNECT_PUBLIC_URL to an https address, then run Test connection. ${scheduleCovers}`,
    };
  }
  return undefined;
}

/**
 * Registers scm-connect's hook for a connection on its SCM, with an endpoint (unguessable address, secret of its
 * own) made for it on first use. Never throws for what the SCM or the set-up refuses: the problem is kept on the
 * endpoint (Test connection and the connection's webhook state show it) and returned.
 */
export async function registerConnectionHook(
  deps: HookRegistrationDeps,
  owner: HookOwner,
  registrar: WebhookRegistrar | undefined,
): Promise<HookProblem | null> {
  const endpoint = await endpointOf(deps, owner);
  const blocked = precondition(deps, owner, registrar);
  if (blocked || !registrar) {
    await recordRegistration(deps.db, endpoint.id, { hookIds: null, problem: blocked ?? null });
    return blocked ?? null;
  }
  const url = new URL(webhookPath(webhookKindOf[owner.kind], endpoint.id), deps.publicUrl).toString();
  const { secret } = openEndpointSecrets(deps.secrets, {
    id: endpoint.id,
    accountId: endpoint.account_id,
    connectionId: endpoint.connection_id,
    kind: endpoint.kind,
    secretEncrypted: endpoint.secret_encrypted,
    signingSecretEncrypted: endpoint.signing_secret_encrypted,
    lastFailureAt: endpoint.last_failure_at,
  });
  try {
    const hook = await registrar.registerHook({ url, secret });
    await recordRegistration(deps.db, endpoint.id, {
      hookIds: hook.hookIds,
      problem: null,
      ...(hook.signingSecret
        ? {
            signingSecretEncrypted: deps.secrets.encrypt(
              hook.signingSecret,
              webhookSecretAad(owner.accountId, endpoint.id, 'signing-secret'),
            ),
          }
        : {}),
    });
    return null;
  } catch (error) {
    const problem: HookProblem =
      error instanceof ScmError
        ? {
            code: error.code,
            message: `${error.message}${error.fix ? ` ${error.fix}` : ''} ${scheduleCovers}`,
          }
        : {
            code: 'hook_registration_failed',
            message: `The hook could not be registered. ${scheduleCovers}`,
          };
    if (!(error instanceof ScmError)) deps.logger.error({ err: error }, 'webhook registration failed');
    await recordRegistration(deps.db, endpoint.id, { hookIds: null, problem });
    return problem;
  }
}

/** The hooks scm-connect registered for a connection, by the SCM's ids. */
export async function registeredHooks(db: Db, owner: Omit<HookOwner, 'kind'>): Promise<string[][]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select('registered_hook_ids')
    .where('account_id', '=', owner.accountId)
    .where('connection_id', '=', owner.connectionId)
    .where('registered_hook_ids', 'is not', null)
    .execute();
  return rows.map((row) => JSON.parse(row.registered_hook_ids!) as string[]);
}

/**
 * Removes the connection's hooks from its SCM, before the connection is removed. What the SCM refuses is logged
 * and returned, not thrown: removing the connection goes on (its endpoint stops answering either way).
 */
export async function removeConnectionHooks(
  deps: Pick<HookRegistrationDeps, 'db' | 'logger'>,
  owner: Omit<HookOwner, 'kind'>,
  registrar: WebhookRegistrar | undefined,
): Promise<HookProblem | null> {
  const hooks = await registeredHooks(deps.db, owner);
  if (!registrar || hooks.length === 0) return null;
  try {
    for (const hookIds of hooks) await registrar.removeHook({ hookIds });
    return null;
  } catch (error) {
    deps.logger.warn({ err: error, connectionId: owner.connectionId }, 'could not remove the webhook');
    return error instanceof ScmError
      ? { code: error.code, message: error.message }
      : { code: 'hook_removal_failed', message: 'The hook could not be removed from the SCM.' };
  }
}
