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

  it('invites a new person by a one-time link and adds an existing user at once', async () => {
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

    const other = await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Second' });
    const added = await admin.post<{ member: Member }>(`/api/v1/accounts/${other.body.id}/members`, {
      email: 'bob@example.com',
      role: 'admin',
    });
    expect(added.status).toBe(201);
    expect(added.body.member).toMatchObject({ email: 'bob@example.com', role: 'admin' });
    const duplicate = await admin.post(`/api/v1/accounts/${other.body.id}/members`, {
      email: 'bob@example.com',
      role: 'admin',
    });
    expect(duplicate.status).toBe(409);
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
    const demote = await admin.patch(`/api/v1/accounts/${accountId}/members/${self.userId}`, {
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
