/** The outcome of a Test sign-in, as the server reports it on its way back to Settings > Single sign-on. */
export interface TestResult {
  readonly ok: boolean;
  readonly message: string;
}

const reasons: Readonly<Record<string, string>> = {
  signature_invalid:
    'the signature of the identity provider did not verify. Load its current metadata (or certificate) and test again.',
  assertion_expired:
    'the assertion had expired or was not valid yet. Check that the clocks of the identity provider and of this server agree.',
  audience_mismatch:
    'the assertion was meant for another service. Set the audience (SP entity id) at the identity provider to the one shown here.',
  replayed: 'the same assertion arrived twice and was refused. Start the test again.',
  email_domain: 'the email of the person who signed in is not in the allowed domains.',
  email_unverified: 'the identity provider says the email of the person who signed in is not verified.',
  provider_refused: 'the sign-in was cancelled, or the identity provider refused it.',
  missing_attribute:
    'the identity provider sent no email (or no name). Check the attribute or claim names, and that the provider releases them.',
  provider_error:
    'the identity provider answered with an error. Check the client id and secret, and that the redirect URL is registered there.',
  flow_expired: 'the test took too long or was started in another browser. Start it again.',
};

/** Reads `?test=ok` or `?test=failed&reason=…`; `null` when the page was not opened by a test. */
export const testResultOf = (search: string): TestResult | null => {
  const params = new URLSearchParams(search);
  const test = params.get('test');
  if (test === 'ok') {
    return { ok: true, message: 'Test sign-in succeeded. The provider can now be activated.' };
  }
  if (test !== 'failed') return null;
  const reason = params.get('reason') ?? '';
  const why = Object.hasOwn(reasons, reason) ? reasons[reason] : 'no reason was given.';
  return { ok: false, message: `Test sign-in failed: ${why}` };
};
