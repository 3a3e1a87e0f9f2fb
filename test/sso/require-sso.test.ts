import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPerson, adminPassword, ApiClient, type SessionBody } from '../helpers/api-client.js';
import type { TestService } from '../helpers/service.js';
import { startOidcIdp, type OidcTestIdp } from './idp/oidc-idp.js';
import { signInBySso, ssoSettings, startSsoService, testSignIn } from './sso-world.js';

/** "Require SSO": password sessions are refused in the account, except its break-glass admin's. */
describe('requiring single sign-on', () => {
  let service: TestService;
  let admin: ApiClient;
  let adminId: string;
  let accountId: string;
  let idp: OidcTestIdp;
  let member: ApiClient;
  let otherAdmin: ApiClient;
  let ssoPerson: ApiClient;

  beforeAll(async () => {
    let session: SessionBody;
    ({ service, admin, accountId, session } = await startSsoService());
    adminId = session.user.id;
    idp = await startOidcIdp({ redirectUri: `${service.url}/auth/oidc/callback` });
    const saved = await admin.put(`/api/v1/accounts/${accountId}/sso/oidc`, {
      name: 'Acme IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: ['example.com'],
    });
    expect(saved.status, saved.text).toBe(200);
    member = (await addPerson(admin, service, accountId, 'mia@example.com', 'member')).client;
    otherAdmin = (await addPerson(admin, service, accountId, 'ann@example.com', 'admin')).client;
  });
  afterAll(async () => {
    await idp?.close();
    await service?.close();
  });

  const setPolicy = (body: { requireSso: boolean; breakGlassUserId: string | null }, client = admin) =>
    client.put<{ code?: string; message?: string }>(`/api/v1/accounts/${accountId}/sso/policy`, body);
  const userIdOf = async (client: ApiClient) =>
    (await client.get<SessionBody>('/api/v1/session')).body.user.id;
  const passwordSignIn = async (email: string) => {
    const client = new ApiClient(service.url);
    return {
      client,
      answer: await client.post<SessionBody & { code?: string }>('/api/v1/session', {
        email,
        password: adminPassword,
      }),
    };
  };

  it('needs an active provider and a break-glass admin who signs in with a password', async () => {
    const early = await setPolicy({ requireSso: true, breakGlassUserId: adminId });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('no_active_provider');

    const providerId = (await ssoSettings(admin, accountId)).oidc!.id;
    idp.signInAs({ sub: 'tester', email: 'tester@example.com', email_verified: true });
    expect((await testSignIn(service, admin, providerId)).path).toBe('/settings/sso?test=ok');
    expect((await admin.post(`/api/v1/accounts/${accountId}/sso/oidc/activate`)).status).toBe(200);

    idp.signInAs({ sub: 'sid', email: 'sid@example.com', email_verified: true, name: 'Sid' });
    const sso = await signInBySso(service, 'sid@example.com');
    ssoPerson = (await sso.browser.apiClient()).client;
    const sid = await userIdOf(ssoPerson);
    // An admin who signs in only through SSO cannot be the break-glass admin.
    expect(
      (await admin.patch(`/api/v1/accounts/${accountId}/members/${sid}`, { role: 'admin' })).status,
    ).toBe(200);

    for (const breakGlassUserId of [null, await userIdOf(member), sid, randomUUID()]) {
      const refused = await setPolicy({ requireSso: true, breakGlassUserId });
      expect({ breakGlassUserId, status: refused.status, code: refused.body.code }).toEqual({
        breakGlassUserId,
        status: 422,
        code: 'invalid_break_glass',
      });
    }
    // An admin with a password session who is not the break-glass admin would shut themselves out.
    const lockout = await setPolicy({ requireSso: true, breakGlassUserId: adminId }, otherAdmin);
    expect(lockout.status).toBe(422);
    expect(lockout.body.code).toBe('would_lock_you_out');
    expect((await ssoSettings(admin, accountId)).policy).toEqual({
      requireSso: false,
      breakGlassUserId: null,
    });

    expect((await setPolicy({ requireSso: true, breakGlassUserId: adminId })).status).toBe(200);
    expect((await ssoSettings(admin, accountId)).policy).toEqual({
      requireSso: true,
      breakGlassUserId: adminId,
    });
  });

  it('refuses password sessions on the account’s routes with 403 sso_required, except the break-glass admin', async () => {
    const members = `/api/v1/accounts/${accountId}/members`;
    for (const client of [member, otherAdmin]) {
      const refused = await client.get<{ code: string }>(members);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('sso_required');
      // The person is still signed in; only the account's routes refuse them.
      expect((await client.get('/api/v1/session')).status).toBe(200);
    }
    expect((await admin.get(members)).status).toBe(200);
    expect((await ssoPerson.get(members)).status).toBe(200);

    const token = await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'ci',
      role: 'member',
    });
    expect(token.status, token.text).toBe(201);
    const api = new ApiClient(service.url);
    api.bearer = token.body.secret;
    // API tokens act for the account, not a person: the policy is about how people sign in.
    expect((await api.get(members)).status).toBe(200);
  });

  it('still signs people in with a password into their other accounts, and refuses those with none', async () => {
    const refused = await passwordSignIn('mia@example.com');
    expect(refused.answer.status).toBe(403);
    expect(refused.answer.body.code).toBe('sso_required');

    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    const invited = await admin.post<{ invitation: { url: string } }>(
      `/api/v1/accounts/${other.body.id}/members`,
      {
        email: 'mia@example.com',
        role: 'member',
      },
    );
    const token = invited.body.invitation.url.split('/invite/')[1]!;
    expect((await member.post(`/api/v1/invitations/${token}/join`)).status).toBe(201);
    const signedIn = await passwordSignIn('mia@example.com');
    expect(signedIn.answer.status).toBe(200);
    expect(signedIn.answer.body.currentAccountId).toBe(other.body.id);
    expect((await signedIn.client.get(`/api/v1/accounts/${other.body.id}/members`)).status).toBe(200);
    expect((await signedIn.client.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(403);

    const breakGlass = await passwordSignIn('admin@example.com');
    expect(breakGlass.answer.status).toBe(200);
    expect((await breakGlass.client.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(200);
  });

  it('keeps the only active provider while single sign-on is required', async () => {
    for (const answer of [
      await admin.post<{ code: string }>(`/api/v1/accounts/${accountId}/sso/oidc/deactivate`),
      await admin.delete<{ code: string }>(`/api/v1/accounts/${accountId}/sso/oidc`),
    ]) {
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('require_sso_on');
    }
    expect((await setPolicy({ requireSso: false, breakGlassUserId: adminId })).status).toBe(200);
    expect((await member.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(200);
    expect((await admin.post(`/api/v1/accounts/${accountId}/sso/oidc/deactivate`)).status).toBe(200);
  });
});
