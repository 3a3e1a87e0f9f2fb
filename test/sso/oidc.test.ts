import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, type ApiClient } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { SsoBrowser } from './browser.js';
import { startOidcIdp, type OidcTestIdp, type OidcTestUser } from './idp/oidc-idp.js';
import { membersOf, signInBySso, ssoSettings, startSsoService, testSignIn } from './sso-world.js';

/**
 * OpenID Connect single sign-on against a real provider (oidc-provider) on loopback: discovery checked on save,
 * Test sign-in before activation, just-in-time provisioning, group → role mapping, and the refusals.
 */
describe('single sign-on with OpenID Connect', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  let idp: OidcTestIdp;
  let providerId: string;

  beforeAll(async () => {
    ({ service, admin, accountId } = await startSsoService());
    idp = await startOidcIdp({ redirectUri: `${service.url}/auth/oidc/callback` });
  });
  afterAll(async () => {
    await idp?.close();
    await service?.close();
  });

  const saveOidc = (changes: Record<string, unknown> = {}, client = admin, account = accountId) =>
    client.put<{ code?: string; message?: string }>(`/api/v1/accounts/${account}/sso/oidc`, {
      name: 'Acme IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: ['example.com'],
      ...changes,
    });

  const user = (sub: string, changes: Partial<OidcTestUser> = {}): OidcTestUser => ({
    sub,
    email: `${sub}@example.com`,
    email_verified: true,
    name: `${sub[0]!.toUpperCase()}${sub.slice(1)} Example`,
    ...changes,
  });

  const startPath = () => `/auth/sso/${providerId}/start`;

  it('checks the issuer’s discovery document on save and says what is wrong with it', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = new URL(idp.issuer).port;

    const cases = [
      [`${idp.issuer}/tenant-that-does-not-exist`, /did not answer 200 OK/],
      [`http://localhost:${port}`, /names another issuer than http:\/\/localhost/],
      [`http://127.0.0.1:${closedPort}`, /Could not get an HTTP answer/],
      ['login.example.com', /must be a URL/],
      // scm-connect itself: its web UI answers, not a discovery document.
      [service.url, /did not answer with a JSON discovery document/],
    ] as const;
    for (const [issuer, message] of cases) {
      const answer = await saveOidc({ issuer });
      expect({ issuer, status: answer.status, code: answer.body.code }).toEqual({
        issuer,
        status: 422,
        code: 'invalid_issuer',
      });
      expect(answer.body.message).toMatch(message);
    }
    expect((await ssoSettings(admin, accountId)).oidc).toBeNull();
  });

  it('needs the client secret to create a provider, and never answers with it', async () => {
    const withoutSecret = await saveOidc({ clientSecret: undefined });
    expect(withoutSecret.status).toBe(422);
    expect(withoutSecret.body.code).toBe('client_secret_required');

    const created = await saveOidc();
    expect(created.status, created.text).toBe(200);
    const view = await ssoSettings(admin, accountId);
    providerId = view.oidc!.id;
    expect(view.oidc).toMatchObject({
      status: 'draft',
      testedAt: null,
      issuer: idp.issuer,
      hasClientSecret: true,
      redirectUrl: `${service.url}/auth/oidc/callback`,
    });
    const answers = [created.text, (await admin.get(`/api/v1/accounts/${accountId}/sso`)).text];
    for (const text of answers) expect(text).not.toContain(idp.clientSecret);
    const stored = await service.database.db
      .selectFrom('sso_providers')
      .select(['settings', 'secret_encrypted'])
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow();
    expect(stored.secret_encrypted).toMatch(/^v1:/);
    expect(`${stored.settings}${stored.secret_encrypted}`).not.toContain(idp.clientSecret);
  });

  it('refuses activation until a Test sign-in passed', async () => {
    const answer = await admin.post<{ code: string }>(`/api/v1/accounts/${accountId}/sso/oidc/activate`);
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('not_tested');
    idp.signInAs(user('tester'));
    const signIn = await new SsoBrowser(service.url).open(startPath());
    // A draft provider signs nobody in.
    expect(signIn.status).toBe(404);
  });

  it('fails Test sign-in with a clear reason when the client secret is wrong', async () => {
    expect((await saveOidc({ clientSecret: 'not-the-secret' })).status).toBe(200);
    idp.signInAs(user('tester'));
    const landing = await testSignIn(service, admin, providerId);
    expect(landing.path).toBe('/settings/sso?test=failed&reason=provider_error');
    const view = (await ssoSettings(admin, accountId)).oidc!;
    expect(view.status).toBe('draft');
    expect(view.lastTest).toMatchObject({ ok: false, reason: 'provider_error' });
    expect(view.lastTest!.message).toMatch(/client id or client secret \(`invalid_client`\)/);
  });

  it('moves a draft to tested by Test sign-in, without signing anyone in, then activates it', async () => {
    expect((await saveOidc()).status).toBe(200);
    idp.signInAs(user('tester'));
    const browser = new SsoBrowser(service.url).useSessionOf(admin);
    const before = browser.cookie('scm_session');
    const landing = await browser.open(`${startPath()}?purpose=test`);
    expect(landing.path).toBe('/settings/sso?test=ok');
    expect(browser.cookie('scm_session')).toBe(before);
    const view = (await ssoSettings(admin, accountId)).oidc!;
    expect(view.status).toBe('tested');
    expect(view.testedAt).not.toBeNull();
    expect(view.lastTest).toMatchObject({ ok: true, message: 'Signed in as tester@example.com.' });
    expect((await membersOf(admin, accountId)).map((m) => m.email)).toEqual(['admin@example.com']);

    const activated = await admin.post(`/api/v1/accounts/${accountId}/sso/oidc/activate`);
    expect(activated.status).toBe(200);
    expect((await ssoSettings(admin, accountId)).oidc!.status).toBe('active');
  });

  it('signs a new person in just in time, into the account with its default role', async () => {
    idp.signInAs(user('bob'));
    const { browser, landing } = await signInBySso(service, 'bob@example.com');
    expect(landing.path).toBe('/');
    const { session } = await browser.apiClient();
    expect(session.user).toMatchObject({ email: 'bob@example.com', name: 'Bob Example' });
    expect(session.currentAccountId).toBe(accountId);
    expect(session.accounts).toEqual([{ id: accountId, name: 'Acme Security', role: 'member' }]);

    // The same identity signs in as the same user again.
    idp.signInAs(user('bob', { name: 'Robert Example' }));
    const again = await signInBySso(service, 'bob@example.com');
    expect((await again.browser.apiClient()).session.user.id).toBe(session.user.id);
  });

  it('maps the groups claim to roles, again at every sign-in', async () => {
    const saved = await saveOidc({
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupsClaim: 'groups',
      groupRoles: { 'security-admins': 'admin' },
    });
    expect(saved.status).toBe(200);
    // A change sends the provider back to draft: test and activate again.
    expect((await ssoSettings(admin, accountId)).oidc!.status).toBe('draft');
    idp.signInAs(user('tester'));
    expect((await testSignIn(service, admin, providerId)).path).toBe('/settings/sso?test=ok');
    expect((await admin.post(`/api/v1/accounts/${accountId}/sso/oidc/activate`)).status).toBe(200);

    const roleOf = async (groups: string[]) => {
      idp.signInAs(user('carol', { groups }));
      const { browser, landing } = await signInBySso(service, 'carol@example.com');
      expect(landing.path).toBe('/');
      return (await browser.apiClient()).session.accounts[0]!.role;
    };
    expect(await roleOf(['security-admins', 'staff'])).toBe('admin');
    expect(await roleOf(['staff'])).toBe('member');
    expect(await roleOf(['security-admins'])).toBe('admin');
  });

  it('refuses an email outside the allowed domains, and an unverified email', async () => {
    const outsider = await fetch(`${service.url}/api/v1/sign-in/sso`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: service.url },
      body: JSON.stringify({ email: 'eve@elsewhere.example' }),
    });
    expect(outsider.status).toBe(404);
    expect(((await outsider.json()) as { code: string }).code).toBe('no_sso_for_domain');

    idp.signInAs(user('eve', { email: 'eve@elsewhere.example' }));
    expect((await new SsoBrowser(service.url).open(startPath())).path).toBe('/login?error=email_domain');
    idp.signInAs(user('mallory', { email_verified: false }));
    expect((await new SsoBrowser(service.url).open(startPath())).path).toBe('/login?error=email_unverified');
    const emails = (await membersOf(admin, accountId)).map((m) => m.email);
    expect(emails).not.toContain('eve@elsewhere.example');
    expect(emails).not.toContain('mallory@example.com');
  });

  it('refuses a replayed state, a callback in another browser, and one of another flow', async () => {
    const toCallback = (url: URL) => url.pathname === '/auth/oidc/callback';
    idp.signInAs(user('dave'));

    const first = new SsoBrowser(service.url);
    const callback = await first.openUntil(startPath(), toCallback);
    expect((await first.open(callback.href)).path).toBe('/');
    expect((await first.open(callback.href)).path).toBe('/login?error=flow_expired');

    const owner = new SsoBrowser(service.url);
    const stolen = await owner.openUntil(startPath(), toCallback);
    expect((await new SsoBrowser(service.url).open(stolen.href)).path).toBe('/login?error=flow_expired');
    // Without the nonce cookie the state is not even spent: the browser that started it still finishes.
    expect((await owner.open(stolen.href)).path).toBe('/');

    const both = new SsoBrowser(service.url);
    const earlier = await both.openUntil(startPath(), toCallback);
    await both.openUntil(startPath(), toCallback);
    // The nonce cookie now belongs to the later flow.
    expect((await both.open(earlier.href)).path).toBe('/login?error=flow_expired');
  });

  it('lands on the sign-in page when the person cancels at the provider', async () => {
    idp.cancelNext();
    expect((await new SsoBrowser(service.url).open(startPath())).path).toBe('/login?error=provider_refused');
  });

  it('keeps tenants apart: another account’s provider answers 404, and its domains are its own', async () => {
    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    const { client: otherAdmin } = await addPerson(
      admin,
      service,
      other.body.id,
      'olga@other.example',
      'admin',
    );
    const member = await addPerson(admin, service, accountId, 'mia@example.com', 'member');

    expect((await otherAdmin.get(`/api/v1/accounts/${accountId}/sso`)).status).toBe(404);
    expect((await saveOidc({}, otherAdmin)).status).toBe(404);
    expect((await otherAdmin.post(`/api/v1/accounts/${accountId}/sso/oidc/deactivate`)).status).toBe(404);
    expect((await otherAdmin.delete(`/api/v1/accounts/${accountId}/sso/oidc`)).status).toBe(404);
    expect((await member.client.get(`/api/v1/accounts/${accountId}/sso`)).status).toBe(403);
    const foreignTest = await new SsoBrowser(service.url)
      .useSessionOf(otherAdmin)
      .open(`${startPath()}?purpose=test`);
    expect(foreignTest.status).toBe(404);

    const claimed = await saveOidc({}, otherAdmin, other.body.id);
    expect(claimed.status).toBe(409);
    expect(claimed.body.code).toBe('domain_claimed');
    expect((await ssoSettings(admin, accountId)).oidc!.status).toBe('active');
  });
});
