import { describe, expect, it } from 'vitest';
import { signInErrorMessage } from './sign-in-errors.js';

describe('signInErrorMessage', () => {
  it.each([
    ['flow_expired', /took too long/],
    ['provider_refused', /cancelled or refused/],
    ['not_a_member', /not a member of an organization or group/],
    ['identity_in_use', /already linked to another user/],
    ['reauth_required', /Sign in again, then link/],
    ['sso_required', /requires single sign-on/],
    ['signature_invalid', /Test sign-in/],
    ['provider_error', /Test sign-in/],
    ['replayed', /used already/],
    ['email_domain', /domain is not one/],
    ['email_unverified', /not verified/],
    ['missing_attribute', /attribute names/],
    ['something_new', /did not complete/],
    ['__proto__', /did not complete/],
  ])('%s', (code, message) => {
    expect(signInErrorMessage(code)).toMatch(message);
  });

  it.each([null, ''])('nothing for %j', (code) => {
    expect(signInErrorMessage(code)).toBeNull();
  });
});
