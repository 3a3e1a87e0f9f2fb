import { describe, expect, it } from 'vitest';
import { testResultOf } from './test-result.js';

describe('testResultOf', () => {
  it('reads a success', () => {
    expect(testResultOf('?test=ok')).toEqual({
      ok: true,
      message: 'Test sign-in succeeded. The provider can now be activated.',
    });
  });

  it.each([
    ['signature_invalid', /signature of the identity provider did not verify/],
    ['assertion_expired', /had expired/],
    ['audience_mismatch', /another service/],
    ['replayed', /arrived twice/],
    ['email_domain', /allowed domains/],
    ['missing_attribute', /no email/],
    ['provider_error', /answered with an error/],
    ['flow_expired', /took too long/],
    ['toString', /no reason was given/],
    ['', /no reason was given/],
  ])('reads a failure for %j', (reason, message) => {
    const result = testResultOf(`?test=failed&reason=${reason}`);
    expect(result?.ok).toBe(false);
    expect(result?.message).toMatch(/^Test sign-in failed: /);
    expect(result?.message).toMatch(message);
  });

  it.each(['', '?tab=sso', '?test=maybe'])('nothing for %j', (search) => {
    expect(testResultOf(search)).toBeNull();
  });
});
