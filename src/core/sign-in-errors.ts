/*
 * Why a sign-in came back to the sign-in page (`/login?error=`) without a session: the codes the server sends and
 * the sign-in page explains, written once for both.
 */

/**
 * A sign-in with GitHub or GitLab:
 * - `flow_expired`: the `state` is unknown, used, expired, or was started in another browser;
 * - `provider_refused`: the person cancelled on the SCM, or it refused to exchange the code;
 * - `not_a_member`: nobody is linked to the identity and no account admits it (outside collaborator, pending
 *   invitation, blocked user);
 * - `identity_in_use`: linking an identity that is another user's sign-in method;
 * - `reauth_required`: linking without a sign-in of the last ten minutes;
 * - `sso_required`: every account of the person requires single sign-on.
 */
export type ScmSignInRefusalCode =
  | 'flow_expired'
  | 'provider_refused'
  | 'not_a_member'
  | 'identity_in_use'
  | 'reauth_required'
  | 'sso_required';

/** Why a single sign-on round trip did not let the person in (also a Test sign-in's `reason`). */
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

export type SignInErrorCode = ScmSignInRefusalCode | SsoRefusalReason;
