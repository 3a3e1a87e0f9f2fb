import { refuse } from './refusal.js';
import { isDomainAllowed } from './settings.js';

/** Who the identity provider says signed in, read from the ID token and userinfo, or the SAML assertion. */
export interface SsoPerson {
  /** OIDC `sub`, SAML NameID: with the issuer, the key of the identity. */
  readonly subject: string;
  /** Lower-cased. */
  readonly email: string;
  /** OIDC `email_verified`; null when the provider does not say (SAML never does). */
  readonly emailVerified: boolean | null;
  readonly name: string;
  readonly groups: readonly string[];
}

/** The checks every SSO sign-in, link and test makes of the person: a verified email in an allowed domain. */
export function checkPerson(person: SsoPerson, allowedDomains: readonly string[]): void {
  if (person.emailVerified === false) {
    throw refuse(
      'email_unverified',
      `The provider says ${person.email} is not verified (email_verified: false): the person must verify it there first.`,
    );
  }
  if (!isDomainAllowed(person.email, allowedDomains)) {
    throw refuse(
      'email_domain',
      `${person.email} is not in a domain this provider is allowed for (${allowedDomains.join(', ')}).`,
    );
  }
}
