import type { ExternalIdentity } from '../../db/identities.js';

/** Who GitHub or GitLab says signed in: keyed by web root and numeric id, with what a new user is made of. */
export interface ScmSignInIdentity extends ExternalIdentity {
  readonly provider: 'github' | 'gitlab';
  /** The SCM's web root without a trailing slash (`https://github.com`, a GitLab instance's address). */
  readonly issuer: string;
  /** The numeric user id, as a decimal string. */
  readonly subject: string;
  /** The login (GitHub) or username (GitLab) today: shown and used for membership calls, never matched. */
  readonly login: string;
  readonly email: string | null;
  /** The person's display name, when they set one. */
  readonly name: string | null;
}

/** The part of an identity the membership checks take. */
export const membershipRefOf = (identity: ScmSignInIdentity) => ({
  provider: identity.provider,
  issuer: identity.issuer,
  subject: identity.subject,
  login: identity.login,
});
