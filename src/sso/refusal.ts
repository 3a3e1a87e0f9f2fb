/**
 * Why a single sign-on round trip did not let the person in. The code goes to the sign-in page
 * (`/login?error=`) or, for a Test sign-in, to Settings (`/settings/sso?test=failed&reason=`); the message is
 * for the admin (kept as the provider's last test outcome) and never holds a secret or an upstream body.
 */
export type SsoRefusalReason =
  /** The assertion or ID token is not signed by a key the provider's settings trust. */
  | 'signature_invalid'
  /** The assertion or ID token is past its validity (or not valid yet: clocks apart). */
  | 'assertion_expired'
  /** The assertion is meant for another service provider. */
  | 'audience_mismatch'
  /** The assertion was used once already. */
  | 'replayed'
  /** The email's domain is not one the provider is allowed for. */
  | 'email_domain'
  /** The identity provider says the email address is not verified. */
  | 'email_unverified'
  /** The email (or another needed attribute or claim) is missing. */
  | 'missing_attribute'
  /** The person cancelled, or the identity provider refused the sign-in. */
  | 'provider_refused'
  /** The identity provider could not be reached, or refused our client, or answered something unusable. */
  | 'provider_error'
  /** The `state` or request id is unknown, used, expired, or another browser's. */
  | 'flow_expired'
  /** Linking an identity that is linked to another user already. */
  | 'identity_in_use'
  /** Linking needs a sign-in from the last few minutes. */
  | 'reauth_required';

export class SsoRefusal extends Error {
  constructor(
    readonly reason: SsoRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'SsoRefusal';
  }
}

export const refuse = (reason: SsoRefusalReason, message: string) => new SsoRefusal(reason, message);
