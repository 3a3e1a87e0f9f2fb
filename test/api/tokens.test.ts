import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('API tokens', () => {
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

  it('shows the secret once, lists without it, works as a bearer token and stops when revoked', async () => {
    const created = await admin.post<{ token: { id: string; prefix: string }; secret: string }>(
      `/api/v1/accounts/${accountId}/tokens`,
      { name: 'CI pipeline', role: 'member' },
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^scmc_[A-Za-z0-9_-]{43}$/);
    expect(created.body.secret.startsWith(created.body.token.prefix)).toBe(true);

    const listed = await admin.get(`/api/v1/accounts/${accountId}/tokens`);
    expect(listed.text).not.toContain(created.body.secret);
    expect(listed.body).toMatchObject({
      items: [{ id: created.body.token.id, name: 'CI pipeline', role: 'member', lastUsedAt: null }],
    });

    const script = new ApiClient(service.url);
    script.bearer = created.body.secret;
    expect((await script.get(`/api/v1/accounts/${accountId}/connections`)).status).toBe(200);
    expect(
      (await script.post(`/api/v1/accounts/${accountId}/members`, { email: 'x@example.com', role: 'admin' }))
        .status,
    ).toBe(403);
    expect((await script.post('/api/v1/accounts', { name: 'From a script' })).status).toBe(403);
    const used = await admin.get<{ items: { lastUsedAt: string | null }[] }>(
      `/api/v1/accounts/${accountId}/tokens`,
    );
    expect(used.body.items[0]!.lastUsedAt).not.toBeNull();

    expect((await admin.delete(`/api/v1/accounts/${accountId}/tokens/${created.body.token.id}`)).status).toBe(
      204,
    );
    const revoked = await script.get(`/api/v1/accounts/${accountId}/connections`);
    expect(revoked.status).toBe(401);
    expect(revoked.text).not.toContain(created.body.secret);
  });

  it('refuses malformed Authorization headers instead of falling back to the cookie', async () => {
    const answer = await admin.get(`/api/v1/accounts/${accountId}/members`, {
      authorization: 'Basic YWRtaW46YWRtaW4=',
    });
    expect(answer.status).toBe(401);
    const unknown = new ApiClient(service.url);
    unknown.bearer = 'scmc_thisisnotarealtokenthisisnotarealtoken12';
    expect((await unknown.get(`/api/v1/accounts/${accountId}/members`)).status).toBe(401);
  });

  it('stores only a hash of each token', async () => {
    const created = await admin.post<{ secret: string }>(`/api/v1/accounts/${accountId}/tokens`, {
      name: 'hashed',
    });
    const rows = await service.database.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.body.secret);
  });
});
