import { AppError } from '../core/errors.js';
import { usersBySubject } from '../db/identities.js';
import {
  findMembershipSource,
  findMembershipState,
  issuerOfSource,
  membershipsOfAccount,
  recordReconcileOutcome,
  userOfIdentity,
  type MembershipSource,
  type ReconcileOutcome,
} from '../db/membership-sources.js';
import { safeErrorMessage } from '../jobs/retry-policy.js';
import type { ScmMember, ScmMemberRef } from '../scm/provider.js';
import { admitMember } from './admit.js';
import { revokeManagedMembership, type RevocationReason } from './revoke.js';
import { organizationOf, roleFor, withSourceMembers, type SourceContext } from './source.js';

/** Where the source's SCM is, as identities name it; a GitHub organization without a live installation has none. */
async function requireIssuer(ctx: SourceContext, source: MembershipSource): Promise<string> {
  const issuer = await issuerOfSource(ctx.db, source);
  if (issuer === undefined) {
    throw new AppError(
      409,
      'source_not_installed',
      `The GitHub App is no longer installed on ${source.organizationName}: install it again, or choose another membership source.`,
    );
  }
  return issuer;
}

/**
 * Brings the account's managed members in line with its organization or group: every listed member whose
 * GitHub or GitLab identity is linked here is a managed member with the role the source gives; every managed
 * member no longer listed loses the membership, their sessions in the account and the API tokens they created.
 * Members added by hand are left alone; people not signed in yet are added when they first sign in.
 *
 * A listing that fails, or comes back empty (an organization always has an owner), changes nothing: the outcome
 * records why and the error is thrown for the job to retry.
 */
export async function reconcileAccount(
  ctx: SourceContext,
  accountId: string,
): Promise<ReconcileOutcome | undefined> {
  const source = await findMembershipSource(ctx.db, accountId);
  if (!source) return undefined;
  let listing: ScmMember[];
  let issuer: string;
  try {
    issuer = await requireIssuer(ctx, source);
    listing = await withSourceMembers(ctx, source, async (members) => {
      const found: ScmMember[] = [];
      for await (const member of members.listMembers(organizationOf(source))) found.push(member);
      return found;
    });
    if (listing.length === 0) {
      throw new AppError(
        409,
        'empty_listing',
        `${source.organizationName} answered with no members at all; nobody was removed. Check the connection's access to its members.`,
      );
    }
  } catch (error) {
    await recordReconcileOutcome(ctx.db, accountId, {
      ok: false,
      added: 0,
      removed: 0,
      updated: 0,
      error: safeErrorMessage(error),
    });
    throw error;
  }

  const users = await usersBySubject(ctx.db, source.provider, issuer);
  const current = new Map((await membershipsOfAccount(ctx.db, accountId)).map((m) => [m.userId, m]));
  const listed = new Set<string>();
  let added = 0;
  let updated = 0;
  for (const member of listing) {
    const userId = users.get(member.externalId);
    if (userId === undefined || listed.has(userId)) continue;
    listed.add(userId);
    const scmRole = member.scmRole ?? member.role;
    const change = await admitMember(ctx.db, {
      accountId,
      userId,
      role: roleFor(source, scmRole, current.get(userId)?.role),
      scmRole,
    });
    if (change === 'added') added += 1;
    if (change === 'updated') updated += 1;
  }
  let removed = 0;
  for (const member of current.values()) {
    if (!member.managed || listed.has(member.userId)) continue;
    const revoked = await revokeManagedMembership(ctx.db, {
      accountId,
      userId: member.userId,
      reason: 'reconcile',
      organization: source.organizationName,
    });
    if (revoked) removed += 1;
  }
  const outcome: ReconcileOutcome = { ok: true, added, removed, updated };
  await recordReconcileOutcome(ctx.db, accountId, outcome);
  return outcome;
}

/** What checking one person did. */
export type MemberCheckResult = 'admitted' | 'revoked' | 'unchanged' | 'not-linked';

/**
 * Checks one person of the source's SCM live (a membership webhook named them) and applies the answer at once:
 * a managed membership when they are an active member, revocation when they are not. People whose identity is
 * not linked here have nothing to change until they sign in.
 */
export async function checkOneMember(
  ctx: SourceContext,
  source: MembershipSource,
  person: ScmMemberRef,
  reason: RevocationReason,
): Promise<MemberCheckResult> {
  const issuer = await requireIssuer(ctx, source);
  const userId = await userOfIdentity(ctx.db, {
    provider: source.provider,
    issuer,
    subject: person.externalId,
  });
  if (userId === undefined) return 'not-linked';
  const member = await withSourceMembers(ctx, source, (members) =>
    members.checkMember(organizationOf(source), person),
  );
  if (!member) {
    const revoked = await revokeManagedMembership(ctx.db, {
      accountId: source.accountId,
      userId,
      reason,
      organization: source.organizationName,
    });
    return revoked ? 'revoked' : 'unchanged';
  }
  const existing = await findMembershipState(ctx.db, source.accountId, userId);
  const scmRole = member.scmRole ?? member.role;
  const change = await admitMember(ctx.db, {
    accountId: source.accountId,
    userId,
    role: roleFor(source, scmRole, existing?.role),
    scmRole,
  });
  return change === 'unchanged' ? 'unchanged' : 'admitted';
}
