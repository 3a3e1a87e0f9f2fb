import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { autoPostFormOf, SsoBrowser } from './browser.js';
import { selfSignedKey } from './idp/certificates.js';
import { startSamlIdp, type SamlTestIdp, type SamlTestUser } from './idp/saml-idp.js';
import { membersOf, signInBySso, ssoSettings, startSsoService, testSignIn } from './sso-world.js';

/**
 * SAML single sign-on against an identity provider that signs real assertions (xml-crypto) on loopback:
 * SP- and IdP-initiated sign-in, and every way an assertion is refused.
 */
describe('single sign-on with SAML', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let idp: SamlTestIdp;
  let providerId: string;

  beforeAll(async () => {
    ({ service, admin, accountId } = await startSsoService());
    idp = await startSamlIdp();
  });
  afterAll(async () => {
    await idp?.close();
    await service?.close();
  });

  const saveSaml = (changes: Record<string, unknown> = {}) =>
    admin.put<{ code?: string; message?: string }>(`/api/v1/accounts/${accountId}/sso/saml`, {
      name: 'Acme SAML',
      metadataUrl: idp.metadataUrl,
      allowedDomains: ['example.com'],
      ...changes,
    });
  const person = (name: string, attributes: SamlTestUser['attributes'] = {}): SamlTestUser => ({
    nameId: `${name}-name-id`,
    attributes: { email: `${name}@example.com`, name: `${name} Example`, ...attributes },
  });
  const startPath = () => `/auth/sso/${providerId}/start`;
  const signIn = async (user: SamlTestUser) => {
    idp.signInAs(user);
    return new SsoBrowser(service.url).open(startPath());
  };
  const activate = async () => {
    idp.signInAs(person('tester'));
    expect((await testSignIn(service, admin, providerId)).path).toBe('/settings/sso?test=ok');
    expect((await admin.post(`/api/v1/accounts/${accountId}/sso/saml/activate`)).status).toBe(200);
  };
  /** A signed response for a sign-in this browser started, captured before it is posted. */
  const capturedResponse = async (browser: SsoBrowser) => {
    const sso = await browser.openUntil(startPath(), (next) => next.origin === idp.origin);
    const page = await fetch(sso);
    return autoPostFormOf(await page.text())!;
  };

  it('flags an IdP certificate that expires within 30 days', async () => {
    const shortLived = await startSamlIdp({ key: selfSignedKey('Short-lived IdP', 10) });
    try {
      const xml = await (await fetch(shortLived.metadataUrl)).text();
      const saved = await saveSaml({ metadataUrl: undefined, metadataXml: xml });
      expect(saved.status, saved.text).toBe(200);
      const view = (await ssoSettings(admin, accountId)).saml!;
      expect(view.certificates).toEqual([
        { subject: 'CN=Short-lived IdP', notAfter: expect.any(String), expiresSoon: true },
      ]);
    } finally {
      await shortLived.close();
    }
  });

  it('reads the IdP from its metadata URL and shows the SP entity id and ACS URL to give it', async () => {
    for (const metadataXml of [
      '<not xml',
      '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
    ]) {
      const refused = await saveSaml({ metadataUrl: undefined, metadataXml });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('invalid_metadata');
    }
    const saved = await saveSaml();
    expect(saved.status, saved.text).toBe(200);
    const view = (await ssoSettings(admin, accountId)).saml!;
    providerId = view.id;
    expect(view).toMatchObject({
      status: 'draft',
      idpEntityId: idp.entityId,
      spEntityId: `${service.url}/auth/saml/${providerId}/metadata`,
      acsUrl: `${service.url}/auth/saml/${providerId}/acs`,
      certificates: [{ subject: 'CN=Test IdP', expiresSoon: false }],
    });

    const metadata = await fetch(view.spEntityId);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/samlmetadata\+xml/);
    const xml = await metadata.text();
    expect(xml).toContain(`entityID="${view.spEntityId}"`);
    expect(xml).toContain(`Location="${view.acsUrl}"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
  });

  it('refuses activation until Test sign-in passed, then signs people in SP-initiated', async () => {
    const early = await admin.post<{ code: string }>(`/api/v1/accounts/${accountId}/sso/saml/activate`);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('not_tested');
    await activate();

    idp.signInAs(person('sam'));
    const { browser, landing } = await signInBySso(service, 'sam@example.com');
    expect(landing.path).toBe('/');
    const { session } = await browser.apiClient();
    expect(session.user).toMatchObject({ email: 'sam@example.com', name: 'sam Example' });
    expect(session.accounts).toEqual([{ id: accountId, name: 'Acme Security', role: 'member' }]);
  });

  it('signs people in from the IdP’s dashboard (IdP-initiated)', async () => {
    const view = (await ssoSettings(admin, accountId)).saml!;
    idp.signInAs(person('ivy'));
    const browser = new SsoBrowser(service.url);
    const landing = await browser.postForm(idp.idpInitiated(view.acsUrl, view.spEntityId));
    expect(landing.path).toBe('/');
    expect((await browser.apiClient()).session.user.email).toBe('ivy@example.com');
  });

  it('refuses a wrong signature, an expired assertion and a wrong audience', async () => {
    idp.failNext({ signWith: selfSignedKey('Forger') });
    expect((await signIn(person('forged'))).path).toBe('/login?error=signature_invalid');
    idp.failNext({ validForMs: -10 * 60_000 });
    expect((await signIn(person('late'))).path).toBe('/login?error=assertion_expired');
    idp.failNext({ audience: 'https://another-sp.example/metadata' });
    expect((await signIn(person('elsewhere'))).path).toBe('/login?error=audience_mismatch');
    const emails = (await membersOf(admin, accountId)).map((member) => member.email);
    for (const email of ['forged@example.com', 'late@example.com', 'elsewhere@example.com']) {
      expect(emails).not.toContain(email);
    }
  });

  it('refuses an assertion posted a second time', async () => {
    idp.signInAs(person('rita'));
    const browser = new SsoBrowser(service.url);
    const response = await capturedResponse(browser);
    expect((await browser.postForm(response)).path).toBe('/');
    expect((await new SsoBrowser(service.url).postForm(response)).path).toBe('/login?error=replayed');

    const view = (await ssoSettings(admin, accountId)).saml!;
    const unsolicited = idp.idpInitiated(view.acsUrl, view.spEntityId);
    expect((await new SsoBrowser(service.url).postForm(unsolicited)).path).toBe('/');
    expect((await new SsoBrowser(service.url).postForm(unsolicited)).path).toBe('/login?error=replayed');
  });

  it('refuses a response to a request it did not make', async () => {
    const view = (await ssoSettings(admin, accountId)).saml!;
    const request =
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_never-issued" Version="2.0" ` +
      `AssertionConsumerServiceURL="${view.acsUrl}"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">` +
      `${view.spEntityId}</saml:Issuer></samlp:AuthnRequest>`;
    const query = new URLSearchParams({
      SAMLRequest: deflateRawSync(request).toString('base64'),
      RelayState: '_never-issued',
    });
    idp.signInAs(person('una'));
    const landing = await new SsoBrowser(service.url).open(`${idp.origin}/sso?${query.toString()}`);
    expect(landing.path).toBe('/login?error=flow_expired');
    const emails = (await membersOf(admin, accountId)).map((member) => member.email);
    expect(emails).not.toContain('una@example.com');
  });

  it('takes a form body at the ACS only, and answers a post without a response', async () => {
    const view = (await ssoSettings(admin, accountId)).saml!;
    const empty = await new SsoBrowser(service.url).postForm({
      action: view.acsUrl,
      fields: { RelayState: 'x' },
    });
    expect(empty.path).toBe('/login?error=provider_error');
    const api = await fetch(`${service.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: service.url },
      body: 'email=admin%40example.com&password=x',
    });
    expect(api.status).toBe(415);
  });

  it('refuses assertions signed by a rotated certificate until the metadata is saved again', async () => {
    idp.rotate();
    expect((await signIn(person('rose'))).path).toBe('/login?error=signature_invalid');
    idp.signInAs(person('tester'));
    expect((await testSignIn(service, admin, providerId)).path).toBe(
      '/settings/sso?test=failed&reason=signature_invalid',
    );
    const failed = (await ssoSettings(admin, accountId)).saml!;
    expect(failed.lastTest).toMatchObject({ ok: false, reason: 'signature_invalid' });
    expect(failed.lastTest!.message).toMatch(/rotated its certificate, save the provider again/);

    expect((await saveSaml()).status).toBe(200);
    const saved = (await ssoSettings(admin, accountId)).saml!;
    expect(saved.status).toBe('draft');
    expect(saved.certificates).toEqual([expect.objectContaining({ subject: 'CN=Test IdP (rotated)' })]);
    await activate();
    expect((await signIn(person('rose'))).path).toBe('/');
  });

  it('says which attribute is missing, and takes the attribute names the IdP sends', async () => {
    const withoutEmail: SamlTestUser = {
      nameId: 'nomail-name-id',
      attributes: { name: 'No Mail', mail: 'nomail@example.com' },
    };
    expect((await signIn(withoutEmail)).path).toBe('/login?error=missing_attribute');
    idp.signInAs(withoutEmail);
    expect((await testSignIn(service, admin, providerId)).path).toBe(
      '/settings/sso?test=failed&reason=missing_attribute',
    );
    const view = (await ssoSettings(admin, accountId)).saml!;
    expect(view.lastTest!.message).toMatch(/no `email` attribute .*`name`, `mail`/);

    expect((await saveSaml({ emailAttribute: 'mail' })).status).toBe(200);
    idp.signInAs(withoutEmail);
    expect((await testSignIn(service, admin, providerId)).path).toBe('/settings/sso?test=ok');
    expect((await ssoSettings(admin, accountId)).saml!.status).toBe('tested');
  });
});
