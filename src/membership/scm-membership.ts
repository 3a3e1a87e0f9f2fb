import type { ServiceContext } from '../context.js';
import { safeErrorMessage } from '../jobs/retry-policy.js';
import {
  findMembershipState,
  sourcesOnHost,
  userOfIdentity,
  type MembershipSource,
} from '../db/membership-sources.js';
import type { Role } from '../db/schema.js';
import { admitMember } from './admit.js';
import { revokeManagedMembership } from './revoke.js';
import { organizationOf, roleFor, withSourceMembers } from './source.js';

/** A person as GitHub or GitLab told us at sign-in: keyed by the SCM's web root and numeric user id. */
export interface ScmSignInIdentity {
  readonly provider: 'github' | 'gitlab';
  /** The web root without a trailing slash: `https://github.com`, an Enterprise Server, a GitLab instance. */
  readonly issuer: string;
  /** The numeric user id as a decimal string. */
  readonly subject: string;
  /** The login as the SCM reports it now (GitHub's membership endpoint is addressed by login). */
  readonly login: string;
}

/** An account whose membership source counts the person as an active member, and the role they get there. */
export interface AdmittedAccount {
  readonly accountId: string;
  readonly role: Role;
  /** Their role in the SCM organization (`owner`, `member`, `maintainer`…). */
  readonly scmRole: string;
}

/** What a sign-in found: the accounts that admit the person, and every membership source on their SCM it asked. */
export interface MembershipCheck {
  readonly admitted: readonly AdmittedAccount[];
  readonly sources: readonly MembershipSource[];
}

/**
 * Asks, live, every membership source on the identity's SCM whether the person is an active member of its
 * organization or group, and answers the accounts that admit them, with the role each gives. Outside
 * collaborators, pending invitations, members awaiting approval and blocked users are admitted nowhere.
 *
 * When a source cannot be asked (the SCM is down, the connection's credentials fail), nothing changes there: a
 * person who is a managed member of that account already stays admitted as they are, anyone else is not admitted.
 */
export async function checkScmMembership(
  ctx: ServiceContext,
  identity: ScmSignInIdentity,
): Promise<MembershipCheck> {
  const sources = await sourcesOnHost(ctx.db, identity.provider, identity.issuer);
  if (sources.length === 0) return { admitted: [], sources };
  const userId = await userOfIdentity(ctx.db, identity);
  const admitted: AdmittedAccount[] = [];
  for (const source of sources) {
    const existing = userId ? await findMembershipState(ctx.db, source.accountId, userId) : undefined;
    const answer = await askSource(ctx, source, identity);
    if (answer.status === 'unknown') {
      if (existing?.managed) {
        admitted.push({ accountId: source.accountId, role: existing.role, scmRole: existing.scmRole ?? '' });
      }
      continue;
    }
    if (answer.status === 'member') {
      admitted.push({
        accountId: source.accountId,
        role: roleFor(source, answer.scmRole, existing?.role),
        scmRole: answer.scmRole,
      });
    }
  }
  return { admitted, sources };
}

type SourceAnswer =
  | { readonly status: 'member'; readonly scmRole: string }
  | { readonly status: 'not-member' }
  | { readonly status: 'unknown' };

async function askSource(ctx: ServiceContext, source: MembershipSource, identity: ScmSignInIdentity) {
  try {
    return await withSourceMembers(ctx, source, async (members): Promise<SourceAnswer> => {
      const member = await members.checkMember(organizationOf(source), {
        externalId: identity.subject,
        login: identity.login,
      });
      return member ? { status: 'member', scmRole: member.scmRole ?? member.role } : { status: 'not-member' };
    });
  } catch (error) {
    ctx.logger.warn(
      { accountId: source.accountId, connectionId: source.connectionId, error: safeErrorMessage(error) },
      'membership source could not be asked at sign-in; access there stays as it was',
    );
    return { status: 'unknown' } satisfies SourceAnswer;
  }
}

/**
 * Applies what {@link checkScmMembership} found for the person's user: a managed membership (with its role and
 * SCM role) in every admitting account, and, in every other account whose membership source it asked, the
 * managed membership removed with their sessions there and the API tokens they created.
 */
export async function applyScmMembership(
  ctx: ServiceContext,
  userId: string,
  { admitted, sources }: MembershipCheck,
): Promise<void> {
  const admitting = new Set(admitted.map((entry) => entry.accountId));
  for (const entry of admitted) {
    await admitMember(ctx.db, {
      accountId: entry.accountId,
      userId,
      role: entry.role,
      scmRole: entry.scmRole,
    });
  }
  for (const source of sources) {
    if (admitting.has(source.accountId)) continue;
    await revokeManagedMembership(ctx.db, {
      accountId: source.accountId,
      userId,
      reason: 'sign-in',
      organization: source.organizationName,
    });
  }
}
