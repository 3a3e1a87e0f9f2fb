import type { Db } from '../db/database.js';
import { recordAudit } from '../db/audit.js';
import { revokeSessionsInAccount } from '../db/sessions.js';

/** Why the membership source took someone's access away. */
export type RevocationReason = 'sign-in' | 'reconcile' | 'webhook';

/**
 * Takes away what a person removed from the account's GitHub organization or GitLab group had there, in one
 * transaction: their managed membership, their sessions in the account, and every API token of the account they
 * created. A member added by hand (unmanaged) is left alone. Answers whether there was anything to revoke.
 */
export async function revokeManagedMembership(
  db: Db,
  input: { accountId: string; userId: string; reason: RevocationReason; organization: string },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const removed = await tx
      .deleteFrom('memberships')
      .where('account_id', '=', input.accountId)
      .where('user_id', '=', input.userId)
      .where('managed', '=', 1)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) return false;
    await revokeSessionsInAccount(tx, input.accountId, input.userId);
    const tokens = await tx
      .deleteFrom('api_tokens')
      .where('account_id', '=', input.accountId)
      .where('created_by', '=', input.userId)
      .executeTakeFirst();
    await recordAudit(tx, {
      accountId: input.accountId,
      actorUserId: null,
      action: 'membership.revoked',
      target: input.userId,
      details: {
        reason: input.reason,
        organization: input.organization,
        apiTokensRevoked: Number(tokens.numDeletedRows),
      },
    });
    return true;
  });
}
