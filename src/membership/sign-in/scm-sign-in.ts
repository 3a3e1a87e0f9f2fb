import type { ServiceContext } from '../../context.js';
import { listAccountsOfUser } from '../../db/accounts.js';
import { recordAudit } from '../../db/audit.js';
import { findIdentity } from '../../db/identities.js';
import { accountsRequiringSso } from '../../db/sso-providers.js';
import { createUserForIdentity, linkIdentityToUser } from '../../db/identity-users.js';
import { applyScmMembership, checkScmMembership } from '../scm-membership.js';
import { membershipRefOf, type ScmSignInIdentity } from './identity.js';
import { newUserDraft } from './new-user.js';
import { SignInRefusal } from './refusal.js';

/** Who a sign-in lets in, and the account the session starts in. */
export interface ScmSignIn {
  readonly userId: string;
  readonly accountId: string;
}

const notAMember = (identity: ScmSignInIdentity) =>
  new SignInRefusal(
    'not_a_member',
    `${identity.login} is not a member of an organization or group whose account lets its members in.`,
  );

/**
 * Sign in with GitHub or GitLab. The identity's user (matched by web root and numeric id only) signs in; someone
 * nobody is linked to gets a user only when a membership source admits them (a member, not an outside
 * collaborator, a pending invitation or a blocked user). Membership is checked live and applied every time; the
 * session starts in the first account that admitted them, else in one of theirs.
 */
export async function signInWithScm(ctx: ServiceContext, identity: ScmSignInIdentity): Promise<ScmSignIn> {
  const ref = membershipRefOf(identity);
  const linked = await findIdentity(ctx.db, identity);
  const check = await checkScmMembership(ctx, ref);
  const { admitted } = check;
  if (!linked && admitted.length === 0) throw notAMember(identity);
  const userId =
    linked?.userId ?? (await createUserForIdentity(ctx.db, identity, newUserDraft(ctx, identity)));
  await applyScmMembership(ctx, userId, check);
  const ssoOnly = await accountsRequiringSso(ctx.db, userId);
  const accounts = await listAccountsOfUser(ctx.db, userId);
  const open = accounts.filter((account) => !ssoOnly.has(account.id));
  if (accounts.length > 0 && open.length === 0) {
    throw new SignInRefusal(
      'sso_required',
      'Every account of this person requires single sign-on: sign in with SSO using the work email.',
    );
  }
  const accountId =
    admitted.find((entry) => open.some((account) => account.id === entry.accountId))?.accountId ??
    open[0]?.id;
  if (!accountId) throw notAMember(identity);
  return { userId, accountId };
}

/**
 * Links an identity to a signed-in person (their profile's "Link GitHub"): refused with `identity_in_use` when it
 * is another user's; membership is then checked and applied as at a sign-in. `changed` says whether a new method
 * was linked (the person's sessions end then, their credentials changed).
 */
export async function linkScmIdentity(
  ctx: ServiceContext,
  userId: string,
  identity: ScmSignInIdentity,
): Promise<{ readonly changed: boolean; readonly accountId: string | null }> {
  const link = await linkIdentityToUser(ctx.db, userId, identity);
  if (link === 'in-use') {
    throw new SignInRefusal(
      'identity_in_use',
      `The ${identity.provider === 'github' ? 'GitHub' : 'GitLab'} account ${identity.login} signs in another user of scm-connect already.`,
    );
  }
  const changed = link === 'linked';
  if (changed) {
    await recordAudit(ctx.db, {
      accountId: null,
      actorUserId: userId,
      action: 'identity.linked',
      target: identity.subject,
      details: { provider: identity.provider, issuer: identity.issuer, login: identity.login },
    });
  }
  const ref = membershipRefOf(identity);
  const check = await checkScmMembership(ctx, ref);
  await applyScmMembership(ctx, userId, check);
  return { changed, accountId: check.admitted[0]?.accountId ?? null };
}
