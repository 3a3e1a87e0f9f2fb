import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('cross-site request defences', () => {
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

  const accountCount = async () =>
    (await admin.get<{ items: unknown[] }>('/api/v1/accounts')).body.items.length;

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['no CSRF token', { 'x-csrf-token': '' }],
    ['a wrong CSRF token', { 'x-csrf-token': 'not-the-token' }],
  ])('refuses a cookie-authenticated change with %s and creates nothing (A6)', async (_name, headers) => {
    const before = await accountCount();
    const answer = await admin.post('/api/v1/accounts', { name: 'Sneaky' }, headers);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'csrf_failed' });
    expect(await accountCount()).toBe(before);
  });

  it('accepts the same-origin request with the CSRF token (A7)', async () => {
    const answer = await admin.post(
      '/api/v1/accounts',
      { name: 'Legit' },
      { 'sec-fetch-site': 'same-origin' },
    );
    expect(answer.status).toBe(201);
  });

  it('refuses a login from another site (login CSRF)', async () => {
    const client = new ApiClient(service.url);
    const answer = await client.post(
      '/api/v1/session',
      { email: 'admin@example.com', password: 'whatever password' },
      { origin: 'https://evil.example' },
    );
    expect(answer.status).toBe(403);
  });

  it('has no state-changing GET and takes JSON only (A8)', async () => {
    expect((await admin.get(`/api/v1/accounts/${accountId}/members/delete`)).status).toBe(404);
    expect((await admin.get('/api/v1/session/delete')).status).toBe(404);
    const asText = await admin.post('/api/v1/accounts', 'name=Plain', { 'content-type': 'text/plain' });
    expect(asText.status).toBe(415);
    expect(asText.body).toMatchObject({ code: 'unsupported_media_type' });
    const asForm = await admin.post('/api/v1/accounts', 'name=Form', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(asForm.status).toBe(415);
  });

  it('does not answer CORS preflights with an allowed origin (A10)', async () => {
    const preflight = await fetch(`${service.url}/api/v1/accounts`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-csrf-token',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const get = await admin.get('/api/v1/accounts', { origin: 'https://evil.example' });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });
});
