import type { SsoRefusalReason } from '../core/sign-in-errors.js';

export type { SsoRefusalReason };

/**
 * Why a single sign-on round trip did not let the person in. The code goes to the sign-in page
 * (`/login?error=`) or, for a Test sign-in, to Settings (`/settings/sso?test=failed&reason=`); the message is
 * for the admin (kept as the provider's last test outcome) and never holds a secret or an upstream body.
 */
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
