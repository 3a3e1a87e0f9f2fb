import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, addPerson, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('tenants are walls', () => {
  let service: TestService;
  let adminA: ApiClient;
  let accountA: string;
  let adminB: ApiClient;
  let accountB: string;
  beforeAll(async () => {
    service = await startTestService();
    const setUp = await setUpAdmin(service);
    adminA = setUp.client;
    accountA = setUp.session.currentAccountId!;
    const other = await setUp.client.post<{ id: string }>('/api/v1/accounts', { name: 'Other tenant' });
    const bob = await addPerson(adminA, service, other.body.id, 'bob@other.example', 'admin');
    await adminA.delete(`/api/v1/accounts/${other.body.id}/members/${setUp.session.user.id}`);
    adminB = bob.client;
    accountB = other.body.id;
  });
  afterAll(() => service.close());

  const accountRoutes = (account: string, id: string = randomUUID()) =>
    [
      ['GET', `/api/v1/accounts/${account}/members`],
      ['POST', `/api/v1/accounts/${account}/members`, { email: 'x@example.com', role: 'member' }],
      ['PATCH', `/api/v1/accounts/${account}`, { name: 'Renamed' }],
      ['PATCH', `/api/v1/accounts/${account}/members/${id}`, { role: 'admin' }],
      ['DELETE', `/api/v1/accounts/${account}/members/${id}`],
      ['GET', `/api/v1/accounts/${account}/tokens`],
      ['POST', `/api/v1/accounts/${account}/tokens`, { name: 'stolen' }],
      ['DELETE', `/api/v1/accounts/${account}/tokens/${id}`],
      ['GET', `/api/v1/accounts/${account}/connections`],
    ] as const;

  it("answers another account's routes with the same 404 as an account that does not exist (A1, A2)", async () => {
    const bobId = (await adminB.get<{ user: { id: string } }>('/api/v1/session')).body.user.id;
    for (const [method, path, body] of accountRoutes(accountB, bobId)) {
      const foreign = await adminA.call(method, path, body);
      const [, , , randomPath] = path.split('/');
      const random = await adminA.call(method, path.replace(accountB, randomUUID()), body);
      expect({ method, path: randomPath, status: foreign.status }).toEqual({
        method,
        path: randomPath,
        status: 404,
      });
      expect(foreign.body).toEqual(random.body);
    }
    const members = await adminB.get<{ items: { email: string }[] }>(`/api/v1/accounts/${accountB}/members`);
    expect(members.body.items.map((m) => m.email)).toEqual(['bob@other.example']);
    expect(
      (await adminB.get<{ items: { name: string }[] }>('/api/v1/accounts')).body.items.map((a) => a.name),
    ).toEqual(['Other tenant']);
  });

  it('never lets an API token reach another account', async () => {
    const created = await adminA.post<{ secret: string }>(`/api/v1/accounts/${accountA}/tokens`, {
      name: 'ci',
      role: 'admin',
    });
    const script = new ApiClient(service.url);
    script.bearer = created.body.secret;
    expect((await script.get(`/api/v1/accounts/${accountA}/members`)).status).toBe(200);
    for (const [method, path, body] of accountRoutes(accountB)) {
      expect((await script.call(method, path, body)).status).toBe(404);
    }
    expect((await script.put('/api/v1/session/account', { accountId: accountB })).status).toBe(403);
  });

  it('answers 1,000 random ids alike, and ids are random UUIDs (A11)', async () => {
    const bodies = new Set<string>();
    const statuses = new Set<number>();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => adminA.get(`/api/v1/accounts/${randomUUID()}/connections`)),
      );
      for (const answer of answers) {
        statuses.add(answer.status);
        bodies.add(answer.text);
      }
    }
    expect([...statuses]).toEqual([404]);
    expect(bodies.size).toBe(1);
    const ids = [accountA, accountB];
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
