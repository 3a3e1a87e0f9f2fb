import type { ScmSignInRefusalCode } from '../../core/sign-in-errors.js';

/** A sign-in with GitHub or GitLab that ended without a session; the code says why. */
export class SignInRefusal extends Error {
  constructor(
    readonly code: ScmSignInRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRefusal';
  }
}

export const flowExpired = () =>
  new SignInRefusal('flow_expired', 'The sign-in link was used, expired, or started in another browser.');
