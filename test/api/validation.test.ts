import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('bad input gets a clear error and changes nothing', () => {
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

  const names = async () =>
    (await admin.get<{ items: { name: string }[] }>('/api/v1/accounts')).body.items.map((a) => a.name);

  const expectCleanError = (answer: { status: number; body: unknown; text: string }, status: number) => {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(
      expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
    );
    expect(answer.text).not.toMatch(/at .*\.(ts|js):\d+|node_modules|stack/i);
  };

  it('names the field of a 10,000-character name (V1)', async () => {
    const answer = await admin.post('/api/v1/accounts', { name: 'x'.repeat(10_000) });
    expectCleanError(answer, 400);
    expect(answer.body).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('body.name'),
    });
    expect(answer.text.length).toBeLessThan(2000);
    expect(await names()).toEqual(['Acme Security']);
  });

  it.each(['Acme\u202Egnp.exe', 'Ac\u200Bme', 'Acme\u0000', 'new\nline', '\u2066isolated\u2069'])(
    'refuses bidi, zero-width and control characters in names (V3): %j',
    async (name) => {
      const answer = await admin.post('/api/v1/accounts', { name });
      expectCleanError(answer, 400);
      expect(answer.body).toMatchObject({ code: 'validation_failed' });
      expect(await names()).toEqual(['Acme Security']);
    },
  );

  it.each([
    ['duplicate keys', '{"name":"One","name":"Two"}'],
    ['trailing garbage', '{"name":"One"} trailing'],
    ['an empty body', ''],
    ['null', 'null'],
    ['an array', '[{"name":"One"}]'],
    ['a prototype key', '{"name":"One","__proto__":{"admin":true}}'],
    ['broken JSON', '{"name":'],
  ])('refuses %s (V7)', async (_what, body) => {
    const answer = await admin.post('/api/v1/accounts', body);
    expectCleanError(answer, 400);
    expect(await names()).toEqual(['Acme Security']);
  });

  it('refuses a UTF-16 body (V7)', async () => {
    const utf16 = await admin.call('POST', '/api/v1/accounts', undefined, {
      'content-type': 'application/json; charset=utf-16',
    });
    expectCleanError(utf16, 415);
    const raw = await fetch(`${service.url}/api/v1/accounts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie!,
        'x-csrf-token': admin.csrfToken!,
        origin: service.url,
      },
      body: Buffer.from('\ufeff{"name":"Wide"}', 'utf16le'),
    });
    expect(raw.status).toBe(400);
    expect(await names()).toEqual(['Acme Security']);
  });

  it('refuses unknown fields such as a smuggled account id (V8)', async () => {
    const answer = await admin.post(`/api/v1/accounts/${accountId}/members`, {
      email: 'x@example.com',
      role: 'member',
      accountId: '00000000-0000-4000-8000-000000000000',
    });
    expectCleanError(answer, 400);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
  });

  it('refuses malformed ids and emails with the field named', async () => {
    const badId = await admin.get('/api/v1/accounts/not-a-uuid/members');
    expectCleanError(badId, 400);
    expect(badId.body).toMatchObject({ message: expect.stringContaining('params.accountId') });
    const badEmail = await admin.post(`/api/v1/accounts/${accountId}/members`, {
      email: 'not an email',
      role: 'member',
    });
    expect(badEmail.body).toMatchObject({ message: expect.stringContaining('body.email') });
    const badRole = await admin.post(`/api/v1/accounts/${accountId}/members`, {
      email: 'x@example.com',
      role: 'owner',
    });
    expect(badRole.body).toMatchObject({ message: expect.stringContaining('body.role') });
  });
});
