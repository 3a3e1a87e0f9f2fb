import type { ServiceContext } from '../context.js';
import type { ScmKindId } from '../core/scm-kinds.js';
import type { Check, TestReport, WebhookRegistrar } from '../scm/provider.js';
import { summarizeReport } from '../scm/test-report.js';
import {
  registerConnectionHook,
  registeredHooks,
  removeConnectionHooks,
  type HookProblem,
} from '../webhooks/registration.js';
import { withStoredProvider } from './stored-provider.js';

type Ctx = Pick<ServiceContext, 'db' | 'config' | 'secrets' | 'scmShared' | 'logger' | 'githubApps'>;

interface Owner {
  readonly accountId: string;
  readonly connectionId: string;
  readonly kind: ScmKindId;
}

const deps = (ctx: Ctx) => ({
  db: ctx.db,
  secrets: ctx.secrets,
  publicUrl: ctx.config.publicUrl,
  logger: ctx.logger,
});

/**
 * Registers the connection's hook on its SCM (after connect, and from Test connection while it is missing), with
 * `registrar` when the caller has the connection's provider at hand.
 * Whatever stops it is kept on the connection's webhook state and returned; nothing is thrown, since a
 * connection works without webhooks (the scheduled sync covers the gap).
 */
export async function registerHook(
  ctx: Ctx,
  owner: Owner,
  registrar?: WebhookRegistrar,
): Promise<HookProblem | null> {
  try {
    if (registrar) return await registerConnectionHook(deps(ctx), owner, registrar);
    return await withStoredProvider(ctx, owner.accountId, owner.connectionId, (provider) =>
      registerConnectionHook(deps(ctx), owner, provider.webhooks),
    );
  } catch (error) {
    // The stored token no longer decrypts, or the connection went away meanwhile: Test connection says so.
    ctx.logger.warn({ err: error, connectionId: owner.connectionId }, 'webhook registration skipped');
    return {
      code: 'hook_registration_failed',
      message: 'The hook could not be registered: run Test connection.',
    };
  }
}

/** Whether scm-connect's hook is on the SCM for this connection. */
export const hasRegisteredHook = async (ctx: Ctx, owner: Omit<Owner, 'kind'>): Promise<boolean> =>
  (await registeredHooks(ctx.db, owner)).length > 0;

/** When the connection's endpoint last took a verified delivery; null for never (or no endpoint yet). */
export async function lastDeliveryAt(
  ctx: Pick<Ctx, 'db'>,
  owner: Omit<Owner, 'kind'>,
): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.max('last_delivery_at').as('at'))
    .where('account_id', '=', owner.accountId)
    .where('connection_id', '=', owner.connectionId)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** Removes the connection's hooks from its SCM before the connection goes; a refusal is logged, not thrown. */
export async function removeHooks(ctx: Ctx, owner: Omit<Owner, 'kind'>): Promise<void> {
  if (!(await hasRegisteredHook(ctx, owner))) return;
  try {
    await withStoredProvider(ctx, owner.accountId, owner.connectionId, (provider) =>
      removeConnectionHooks(deps(ctx), owner, provider.webhooks),
    );
  } catch (error) {
    ctx.logger.warn({ err: error, connectionId: owner.connectionId }, 'could not remove the webhook');
  }
}

/**
 * The report with its "Receive webhooks" row telling what registering found: the provider's row says whether the
 * token may manage hooks; a registration that failed all the same (no public URL, the SCM refused) turns an `ok`
 * into a `warn` with what to do; a registered hook says when it last delivered. The summary is derived again.
 */
export function withHookOutcome(
  report: TestReport,
  problem: HookProblem | null,
  registered: boolean,
  lastDelivery: string | null = null,
): TestReport {
  const capabilities = report.capabilities.map((row) => {
    if (row.id !== 'receive-webhooks') return row;
    if (problem && row.status !== 'fail') {
      const line: Check = {
        status: 'warn',
        message: problem.message,
        fix: 'Fix what the message names, then run Test connection again to register the hook.',
        code: problem.code,
      };
      return { ...row, ...line };
    }
    if (registered && row.status === 'ok') {
      const last = lastDelivery ? `last delivery received ${lastDelivery}` : 'no delivery received yet';
      return { ...row, message: `${row.message} scm-connect's hook is registered; ${last}.` };
    }
    return row;
  });
  return { ...report, ...summarizeReport({ ...report, capabilities }), capabilities };
}
