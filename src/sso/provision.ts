import { createHash } from 'node:crypto';
import type { ServiceContext } from '../context.js';
import { accountDefaultRole, addMember, countAdmins, setMemberRole } from '../db/accounts.js';
import { recordAudit } from '../db/audit.js';
import type { Db } from '../db/database.js';
import { findIdentity, type ExternalIdentity } from '../db/identities.js';
import { createUserForIdentity, linkIdentityToUser, type IdentityUserDraft } from '../db/identity-users.js';
import type { Role } from '../db/schema.js';
import { findMembershipState } from '../db/membership-sources.js';
import type { SsoPerson } from './person.js';
import { refuse } from './refusal.js';
import { roleFromGroups } from './settings.js';

/** The provider a person came through, as provisioning needs it. */
export interface ProvisioningProvider {
  readonly id: string;
  readonly accountId: string;
  readonly protocol: 'oidc' | 'saml';
  /** The OIDC issuer or SAML IdP entity id: with the subject, the identity's key. */
  readonly issuer: string;
  /** The host no-reply addresses are made on (the issuer's, or the SAML SSO URL's). */
  readonly host: string;
  readonly groupRoles: Readonly<Record<string, Role>>;
}

const identityOf = (provider: ProvisioningProvider, person: SsoPerson): ExternalIdentity => ({
  provider: provider.protocol,
  issuer: provider.issuer,
  subject: person.subject,
  login: person.email,
  email: person.email,
});

/**
 * Just-in-time provisioning: the user the identity is linked to (matched by issuer and subject only), or a new
 * one without a password. A new user gets the IdP's email unless someone has it already: an address is never
 * taken over, it would sign the identity in as its owner; a no-reply address stands in then. Their membership in
 * the provider's account is then made current ({@link applySsoMembership}).
 */
export async function provisionSsoUser(
  ctx: ServiceContext,
  provider: ProvisioningProvider,
  person: SsoPerson,
): Promise<string> {
  const identity = identityOf(provider, person);
  const linked = await findIdentity(ctx.db, identity);
  const userId =
    linked?.userId ?? (await createUserForIdentity(ctx.db, identity, newUserDraft(provider, person)));
  await applySsoMembership(ctx.db, provider, userId, person);
  return userId;
}

/** A new user gets the IdP's email, else no-reply addresses made of a hash of the identity's key. */
function newUserDraft(provider: ProvisioningProvider, person: SsoPerson): IdentityUserDraft {
  const key = createHash('sha256').update(`${provider.issuer}\n${person.subject}`).digest('hex');
  const noReply = (length: number) => `${key.slice(0, length)}@users.noreply.${provider.host}`;
  return { name: person.name.slice(0, 200), emails: [person.email, noReply(16), noReply(32)] };
}

/**
 * Links the identity to a signed-in person (their profile's "Link SSO"); refused with `identity_in_use` when it
 * signs in another user. True when a new method was linked (their credentials changed).
 */
export async function linkSsoIdentity(
  ctx: ServiceContext,
  provider: ProvisioningProvider,
  userId: string,
  person: SsoPerson,
): Promise<boolean> {
  const identity = identityOf(provider, person);
  const link = await linkIdentityToUser(ctx.db, userId, identity);
  if (link === 'in-use') {
    throw refuse(
      'identity_in_use',
      `The identity ${person.email} signs in another user of scm-connect already.`,
    );
  }
  await applySsoMembership(ctx.db, provider, userId, person);
  return link === 'linked';
}

/**
 * The person's membership in the provider's account: a new member gets the role the IdP groups map to, else the
 * account's default role. With a group mapping, the role is re-evaluated at every sign-in (except for members
 * the membership source manages, and never demoting the account's last admin).
 */
async function applySsoMembership(
  db: Db,
  provider: ProvisioningProvider,
  userId: string,
  person: SsoPerson,
): Promise<void> {
  const mapping = Object.keys(provider.groupRoles).length > 0;
  const mapped = mapping ? roleFromGroups(person.groups, provider.groupRoles) : undefined;
  const target = mapped ?? (await accountDefaultRole(db, provider.accountId));
  const membership = await findMembershipState(db, provider.accountId, userId);
  const audit = (action: string, details: object) =>
    recordAudit(db, {
      accountId: provider.accountId,
      actorUserId: userId,
      action,
      target: userId,
      details: { ...details, ssoProviderId: provider.id },
    });
  if (!membership) {
    if (await addMember(db, provider.accountId, userId, target)) {
      await audit('member.joined_by_sso', { role: target });
    }
    return;
  }
  if (!mapping || membership.managed || membership.role === target) return;
  if (membership.role === 'admin' && (await countAdmins(db, provider.accountId)) <= 1) return;
  await setMemberRole(db, provider.accountId, userId, target);
  await audit('member.role_changed', { role: target, by: 'sso_group_mapping' });
}
