import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, adminPassword, setUpAdmin, type SessionBody } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

describe('first run, sign-in and accounts', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  it('lets only the holder of the one-time link create the first admin', async () => {
    const stranger = new ApiClient(service.url);
    expect((await stranger.get('/api/v1/setup')).body).toEqual({ needed: true });
    const guess = await stranger.post('/api/v1/setup', {
      token: 'not-the-token',
      email: 'eve@example.com',
      name: 'Eve',
      password: 'a long enough password',
      accountName: 'Eve Inc',
    });
    expect(guess.status).toBe(403);
    expect(guess.body).toMatchObject({ code: 'invalid_setup_token' });

    const { session } = await setUpAdmin(service);
    expect(session.user.email).toBe('admin@example.com');
    expect(session.accounts).toEqual([
      { id: session.currentAccountId, name: 'Acme Security', role: 'admin' },
    ]);
    expect((await stranger.get('/api/v1/setup')).body).toEqual({ needed: false });

    const token = new URL(service.setupUrl!).searchParams.get('token')!;
    const replay = await stranger.post('/api/v1/setup', {
      token,
      email: 'eve@example.com',
      name: 'Eve',
      password: 'a long enough password',
      accountName: 'Eve Inc',
    });
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ code: 'already_set_up' });
    const signIn = await stranger.post('/api/v1/session', {
      email: 'eve@example.com',
      password: 'a long enough password',
    });
    expect(signIn.status).toBe(401);
  });

  it('signs in and out with a fresh session id each time', async () => {
    const client = new ApiClient(service.url);
    client.cookie = 'scm_session=planted-by-someone-else';
    const wrong = await client.post('/api/v1/session', {
      email: 'admin@example.com',
      password: 'wrong password!',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ code: 'invalid_credentials', message: expect.any(String) });

    const first = await client.post<SessionBody>('/api/v1/session', {
      email: 'ADMIN@example.com',
      password: adminPassword,
    });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toContain('planted-by-someone-else');
    const firstCookie = client.cookie;

    const again = new ApiClient(service.url);
    await again.post('/api/v1/session', { email: 'admin@example.com', password: adminPassword });
    expect(again.cookie).not.toBe(firstCookie);

    expect((await client.get('/api/v1/session')).status).toBe(200);
    expect((await client.delete('/api/v1/session')).status).toBe(204);
    const after = new ApiClient(service.url);
    after.cookie = firstCookie;
    expect((await after.get('/api/v1/session')).status).toBe(401);
    expect((await after.get('/api/v1/accounts')).status).toBe(401);
  });

  it('creates, renames and switches accounts, each switch starting a new session', async () => {
    const client = new ApiClient(service.url);
    const signedIn = await client.post<SessionBody>('/api/v1/session', {
      email: 'admin@example.com',
      password: adminPassword,
    });
    const firstAccount = signedIn.body.currentAccountId!;
    const created = await client.post<{ id: string; name: string; role: string }>('/api/v1/accounts', {
      name: 'Beta Team',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Beta Team', role: 'admin' });

    const before = client.cookie;
    const switched = await client.put<SessionBody>('/api/v1/session/account', { accountId: created.body.id });
    expect(switched.status).toBe(200);
    expect(switched.body.currentAccountId).toBe(created.body.id);
    expect(client.cookie).not.toBe(before);
    const stale = new ApiClient(service.url);
    stale.cookie = before;
    expect((await stale.get('/api/v1/session')).status).toBe(401);

    const renamed = await client.patch(`/api/v1/accounts/${created.body.id}`, { name: 'Beta Security' });
    expect(renamed.body).toMatchObject({ name: 'Beta Security' });
    const accounts = await client.get<{ items: { id: string; name: string }[] }>('/api/v1/accounts');
    expect(accounts.body.items.map((a) => a.name).sort()).toEqual(['Acme Security', 'Beta Security']);
    expect(accounts.body.items.map((a) => a.id)).toContain(firstAccount);
  });

  it('limits sign-in attempts per email', async () => {
    const client = new ApiClient(service.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (await client.post('/api/v1/session', { email: 'target@example.com', password: `guess number ${i}` }))
          .status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    const limited = await client.post('/api/v1/session', {
      email: 'target@example.com',
      password: 'one more guess',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ code: 'too_many_attempts' });
  });
});
