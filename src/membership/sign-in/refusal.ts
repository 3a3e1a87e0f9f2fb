/**
 * Why a sign-in with GitHub or GitLab ended without a session; the login page says what each means:
 * - `flow_expired`: the `state` is unknown, used, expired, or was started in another browser;
 * - `provider_refused`: the person cancelled on the SCM, or it refused to exchange the code;
 * - `not_a_member`: nobody is linked to the identity and no account admits it (outside collaborator, pending
 *   invitation, blocked user);
 * - `identity_in_use`: linking an identity that is another user's sign-in method;
 * - `reauth_required`: linking without a sign-in of the last ten minutes;
 * - `sso_required`: every account of the person requires single sign-on.
 */
export type SignInRefusalCode =
  | 'flow_expired'
  | 'provider_refused'
  | 'not_a_member'
  | 'identity_in_use'
  | 'reauth_required'
  | 'sso_required';

export class SignInRefusal extends Error {
  constructor(
    readonly code: SignInRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefusal';
  }
}

export const flowExpired = () =>
  new SignInRefusal('flow_expired', 'The sign-in link was used, expired, or started in another browser.');
