import type { ServiceContext } from '../context.js';
import { conflict, unprocessable } from '../core/errors.js';
import { recordAudit } from '../db/audit.js';
import {
  isLocalAdmin,
  isRefusedBySsoPolicy,
  listSsoProvidersOfAccount,
  saveSsoPolicy,
  type SsoPolicyRow,
} from '../db/sso-providers.js';

/** The session that changes the policy: it must still reach the account afterwards. */
export interface PolicyCaller {
  readonly userId: string;
  readonly method: string;
  readonly ssoProviderId: string | null;
}

/**
 * Sets "Require SSO". Turning it on needs an active provider (409 `no_active_provider`) and a break-glass admin
 * who is a local admin with a password (422 `invalid_break_glass`), and must not shut out the admin making the
 * change (422 `would_lock_you_out`: sign in through SSO first, or be the break-glass admin).
 */
export async function setSsoPolicy(
  ctx: ServiceContext,
  accountId: string,
  policy: SsoPolicyRow,
  caller: PolicyCaller | null,
): Promise<void> {
  if (policy.breakGlassUserId !== null && !(await isLocalAdmin(ctx.db, accountId, policy.breakGlassUserId))) {
    throw unprocessable(
      'invalid_break_glass',
      'The break-glass user must be an admin of this account who signs in with a password.',
    );
  }
  if (policy.requireSso) {
    const providers = await listSsoProvidersOfAccount(ctx.db, accountId);
    const active = providers.filter((row) => row.status === 'active');
    if (active.length === 0) {
      throw conflict(
        'no_active_provider',
        'Activate a single sign-on provider (tested first) before requiring single sign-on.',
      );
    }
    if (policy.breakGlassUserId === null) {
      throw unprocessable(
        'invalid_break_glass',
        'Choose a break-glass admin: a local admin who can still sign in with a password if the identity provider fails.',
      );
    }
    const viaProvider = active.find((row) => row.id === caller?.ssoProviderId);
    if (
      caller &&
      isRefusedBySsoPolicy({
        accountId,
        userId: caller.userId,
        requireSso: 1,
        breakGlassUserId: policy.breakGlassUserId,
        method: caller.method,
        ssoAccountId: viaProvider ? accountId : null,
        ssoStatus: viaProvider ? 'active' : null,
      })
    ) {
      throw unprocessable(
        'would_lock_you_out',
        'You signed in with a password and are not the break-glass admin: requiring SSO would shut you out. Sign in through SSO first, or choose yourself as the break-glass admin.',
      );
    }
  }
  await saveSsoPolicy(ctx.db, accountId, policy);
  await recordAudit(ctx.db, {
    accountId,
    actorUserId: caller?.userId ?? null,
    action: 'sso.policy_changed',
    details: { ...policy },
  });
}
