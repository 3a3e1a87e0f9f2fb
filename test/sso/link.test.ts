import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, adminPassword, ApiClient, type SessionBody } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { SsoBrowser } from './browser.js';
import { startOidcIdp, type OidcTestIdp } from './idp/oidc-idp.js';
import { startSamlIdp, type SamlTestIdp } from './idp/saml-idp.js';
import { signInBySso, ssoSettings, startSsoService, testSignIn } from './sso-world.js';

/** Linking the account's single sign-on to a signed-in person from their profile. */
describe('linking single sign-on to a user', () => {
  let service: TestService;
  let admin: ApiClient;
  let adminSession: SessionBody;
  let accountId: string;
  let oidcIdp: OidcTestIdp;
  let samlIdp: SamlTestIdp;
  let oidcId: string;
  let samlId: string;

  beforeAll(async () => {
    ({ service, admin, accountId, session: adminSession } = await startSsoService());
    oidcIdp = await startOidcIdp({ redirectUri: `${service.url}/auth/oidc/callback` });
    samlIdp = await startSamlIdp();
    const base = { name: 'Acme', allowedDomains: ['example.com'] };
    expect(
      (
        await admin.put(`/api/v1/accounts/${accountId}/sso/oidc`, {
          ...base,
          issuer: oidcIdp.issuer,
          clientId: oidcIdp.clientId,
          clientSecret: oidcIdp.clientSecret,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await admin.put(`/api/v1/accounts/${accountId}/sso/saml`, {
          ...base,
          metadataUrl: samlIdp.metadataUrl,
        })
      ).status,
    ).toBe(200);
    const view = await ssoSettings(admin, accountId);
    oidcId = view.oidc!.id;
    samlId = view.saml!.id;
    oidcIdp.signInAs({ sub: 'tester', email: 'tester@example.com', email_verified: true });
    samlIdp.signInAs({ nameId: 'tester', attributes: { email: 'tester@example.com' } });
    for (const [protocol, id] of [
      ['oidc', oidcId],
      ['saml', samlId],
    ] as const) {
      expect((await testSignIn(service, admin, id)).path).toBe('/settings/sso?test=ok');
      expect((await admin.post(`/api/v1/accounts/${accountId}/sso/${protocol}/activate`)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await oidcIdp?.close();
    await samlIdp?.close();
    await service?.close();
  });

  it('links an OpenID Connect identity after a recent sign-in; it then signs in as that user', async () => {
    oidcIdp.signInAs({ sub: 'ada-at-idp', email: 'ada@example.com', email_verified: true });
    const browser = new SsoBrowser(service.url).useSessionOf(admin);
    const before = browser.cookie('scm_session');
    expect((await browser.open(`/auth/sso/${oidcId}/start?purpose=link`)).path).toBe('/profile?linked=oidc');
    // Credentials changed: the old session ended, the browser holds a new one.
    expect(browser.cookie('scm_session')).not.toBe(before);
    expect((await admin.get('/api/v1/session')).status).toBe(401);
    admin = (await browser.apiClient()).client;

    const { browser: later } = await signInBySso(service, 'ada@example.com');
    expect((await later.apiClient()).session.user.id).toBe(adminSession.user.id);
  });

  it('needs a recent sign-in to link, and refuses an identity another user has', async () => {
    const { client: bob } = await addPerson(admin, service, accountId, 'bob@example.com', 'member');
    await service.database.db
      .updateTable('sessions')
      .set({ created_at: new Date(Date.now() - 3_600_000).toISOString() })
      .execute();
    const stale = await new SsoBrowser(service.url)
      .useSessionOf(bob)
      .open(`/auth/sso/${oidcId}/start?purpose=link`);
    expect(stale.path).toBe('/login?error=reauth_required&return_to=/profile');

    const again = new ApiClient(service.url);
    expect(
      (await again.post('/api/v1/session', { email: 'bob@example.com', password: adminPassword })).status,
    ).toBe(200);
    const fresh = new SsoBrowser(service.url).useSessionOf(again);
    oidcIdp.signInAs({ sub: 'ada-at-idp', email: 'ada@example.com', email_verified: true });
    expect((await fresh.open(`/auth/sso/${oidcId}/start?purpose=link`)).path).toBe(
      '/login?error=identity_in_use&return_to=/profile',
    );
  });

  it('links a SAML identity in the browser that started it, never in another person’s', async () => {
    const carol = await addPerson(admin, service, accountId, 'carol@example.com', 'member');
    const mallory = await addPerson(admin, service, accountId, 'mallory@example.com', 'member');

    // Mallory starts a link and has Carol's browser carry the IdP's answer (signed in at the IdP as Carol).
    samlIdp.signInAs({ nameId: 'carol-at-idp', attributes: { email: 'carol@example.com' } });
    const attacker = new SsoBrowser(service.url).useSessionOf(mallory.client);
    const sso = await attacker.openUntil(
      `/auth/sso/${samlId}/start?purpose=link`,
      (next) => next.origin === samlIdp.origin,
    );
    const victim = new SsoBrowser(service.url).useSessionOf(carol.client);
    expect((await victim.open(sso.href)).path).toBe('/login?error=flow_expired&return_to=/profile');

    const own = new SsoBrowser(service.url).useSessionOf(carol.client);
    expect((await own.open(`/auth/sso/${samlId}/start?purpose=link`)).path).toBe('/profile?linked=saml');
    // The account has OpenID Connect and SAML for example.com: sign in through SAML directly.
    const viaSaml = new SsoBrowser(service.url);
    expect((await viaSaml.open(`/auth/sso/${samlId}/start`)).path).toBe('/');
    expect((await viaSaml.apiClient()).session.user.id).toBe(carol.session.user.id);
  });
});
