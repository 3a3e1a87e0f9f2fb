import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, addPerson, setUpAdmin, type SessionBody } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface Member {
  userId: string;
  email: string;
  role: string;
}

describe('members', () => {
  let service: TestService;
  let admin: ApiClient;
  let accountId: string;
  beforeAll(async () => {
    service = await startTestService();
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    accountId = setUp.session.currentAccountId!;
  });
  afterAll(() => service.close());

  const members = async (client = admin) =>
    (await client.get<{ items: Member[] }>(`/api/v1/accounts/${accountId}/members`)).body.items;

  it('invites a new person by a one-time link they accept with a new user', async () => {
    const invited = await admin.post<{ invitation: { url: string; email: string } }>(
      `/api/v1/accounts/${accountId}/members`,
      {
        email: 'Bob@Example.com',
        role: 'member',
      },
    );
    expect(invited.status).toBe(201);
    expect(invited.body.invitation.email).toBe('bob@example.com');
    const token = invited.body.invitation.url.split('/invite/')[1]!;
    const bob = new ApiClient(service.url);
    expect((await bob.get(`/api/v1/invitations/${token}`)).body).toEqual({
      email: 'bob@example.com',
      accountName: 'Acme Security',
    });
    const accepted = await bob.post<SessionBody>(`/api/v1/invitations/${token}/accept`, {
      name: 'Bob',
      password: 'bobs long password',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.accounts).toEqual([{ id: accountId, name: 'Acme Security', role: 'member' }]);
    expect(
      (
        await new ApiClient(service.url).post(`/api/v1/invitations/${token}/accept`, {
          name: 'Mallory',
          password: 'another long one',
        })
      ).status,
    ).toBe(404);
  });

  it('never adds an existing user without their consent, and answers alike for known and unknown emails', async () => {
    const frank = await addPerson(admin, service, accountId, 'frank@example.com', 'member');
    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Second' });
    const otherMembers = `/api/v1/accounts/${other.body.id}/members`;
    type Invited = { invitation: { email: string; role: string; url: string; expiresAt: string } };
    const known = await admin.post<Invited>(otherMembers, { email: 'frank@example.com', role: 'admin' });
    const unknown = await admin.post<Invited>(otherMembers, { email: 'nobody@example.com', role: 'admin' });
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(known.status);
    const shape = (body: Invited) => ({
      ...body,
      invitation: {
        ...body.invitation,
        email: 'E',
        url: body.invitation.url.replace(/[^/]+$/, 'T'),
        expiresAt: 'X',
      },
    });
    expect(shape(known.body)).toEqual(shape(unknown.body));
    expect(Object.keys(known.body)).toEqual(['invitation']);
    expect((await members()).map((m) => m.email)).toContain('frank@example.com');
    expect((await admin.get<{ items: Member[] }>(otherMembers)).body.items.map((m) => m.email)).toEqual([
      'admin@example.com',
    ]);

    const token = known.body.invitation.url.split('/invite/')[1]!;
    const asNewUser = await new ApiClient(service.url).post(`/api/v1/invitations/${token}/accept`, {
      name: 'Not Frank',
      password: 'a long password here',
    });
    expect(asNewUser.status).toBe(409);
    expect(asNewUser.body).toMatchObject({
      code: 'user_exists',
      message: expect.stringContaining('sign in'),
    });
    expect((await admin.post(`/api/v1/invitations/${token}/join`)).status).toBe(403);
    const noCsrf = await frank.client.post(
      `/api/v1/invitations/${token}/join`,
      {},
      { 'x-csrf-token': 'wrong' },
    );
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body).toMatchObject({ code: 'csrf_failed' });
    expect((await new ApiClient(service.url).post(`/api/v1/invitations/${token}/join`)).status).toBe(401);
    expect((await admin.get<{ items: Member[] }>(otherMembers)).body.items).toHaveLength(1);

    const joined = await frank.client.post<SessionBody>(`/api/v1/invitations/${token}/join`);
    expect(joined.status).toBe(201);
    expect(joined.body.currentAccountId).toBe(other.body.id);
    expect(joined.body.accounts).toContainEqual({ id: other.body.id, name: 'Second', role: 'admin' });
    expect((await frank.client.post(`/api/v1/invitations/${token}/join`)).status).toBe(404);
    const again = await admin.post(otherMembers, { email: 'frank@example.com', role: 'member' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already_member' });
  });

  it('lets only admins change members (A4) and keeps one admin', async () => {
    const carol = await addPerson(admin, service, accountId, 'carol@example.com', 'member');
    const forbidden = await carol.client.post(`/api/v1/accounts/${accountId}/members`, {
      email: 'dave@example.com',
      role: 'admin',
    });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'forbidden' });
    expect((await carol.client.post(`/api/v1/accounts/${accountId}/tokens`, { name: 'x' })).status).toBe(403);
    expect((await carol.client.patch(`/api/v1/accounts/${accountId}`, { name: 'Taken over' })).status).toBe(
      403,
    );
    expect((await members()).some((m) => m.email === 'dave@example.com')).toBe(false);

    const self = (await members()).find((m) => m.email === 'admin@example.com')!;
    const ownRole = await admin.patch(`/api/v1/accounts/${accountId}/members/${self.userId}`, {
      role: 'member',
    });
    expect(ownRole.status).toBe(403);
    expect(ownRole.body).toMatchObject({ code: 'own_role' });
    const script = new ApiClient(service.url);
    script.bearer = (
      await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
        name: 'demoter',
        role: 'admin',
      })
    ).body.secret;
    const demote = await script.patch(`/api/v1/accounts/${accountId}/members/${self.userId}`, {
      role: 'member',
    });
    expect(demote.status).toBe(409);
    expect(demote.body).toMatchObject({ code: 'last_admin' });
    expect((await admin.delete(`/api/v1/accounts/${accountId}/members/${self.userId}`)).status).toBe(409);

    const promoted = await admin.patch<Member>(
      `/api/v1/accounts/${accountId}/members/${carol.session.user.id}`,
      { role: 'admin' },
    );
    expect(promoted.body.role).toBe('admin');
    expect((await carol.client.post(`/api/v1/accounts/${accountId}/tokens`, { name: 'ci' })).status).toBe(
      201,
    );
    await admin.patch(`/api/v1/accounts/${accountId}/members/${carol.session.user.id}`, { role: 'member' });
  });

  it("cuts a removed member's existing session off the account at once (A5)", async () => {
    const erin = await addPerson(admin, service, accountId, 'erin@example.com', 'member');
    expect((await erin.client.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(200);
    expect((await admin.delete(`/api/v1/accounts/${accountId}/members/${erin.session.user.id}`)).status).toBe(
      204,
    );
    const after = await erin.client.get(`/api/v1/accounts/${accountId}/members`);
    expect(after.status).toBe(404);
    expect((await erin.client.get(`/api/v1/accounts/${accountId}/connections`)).status).toBe(404);
    const session = await erin.client.get<SessionBody>('/api/v1/session');
    expect(session.body.accounts).toEqual([]);
    expect(session.body.currentAccountId).toBeNull();
    expect((await erin.client.put('/api/v1/session/account', { accountId })).status).toBe(404);
  });
});
