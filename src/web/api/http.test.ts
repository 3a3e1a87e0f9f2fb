import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod/mini';
import { createApiClient } from './client.js';
import { ApiError, createHttp } from './http.js';

interface Call {
  readonly url: string;
  readonly init: RequestInit;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch that answers from a queue and records what it was asked. */
const fakeFetch = (...answers: Response[]) => {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${String(input)}`);
    return answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
};

const headersOf = (call: Call | undefined) => (call?.init.headers ?? {}) as Record<string, string>;

const session = {
  user: { id: 'u1', email: 'a@example.com', name: 'A', instanceAdmin: false },
  accounts: [{ id: 'acc1', name: 'Acme', role: 'admin' }],
  currentAccountId: 'acc1',
  csrfToken: 'csrf-1',
};

describe('createHttp', () => {
  it('sends the CSRF token of the latest session, JSON and same-origin credentials on changes', async () => {
    const { fetch, calls } = fakeFetch(json(200, session), new Response(null, { status: 204 }));
    const api = createApiClient(createHttp({ fetch }));
    await api.signIn('a@example.com', 'pw');
    await api.removeMember('acc1', 'u/2');

    expect(headersOf(calls[0])['x-csrf-token']).toBeUndefined();
    const remove = calls[1]!;
    expect(remove.url).toBe('/api/v1/accounts/acc1/members/u%2F2');
    expect(remove.init.method).toBe('DELETE');
    expect(remove.init.credentials).toBe('same-origin');
    expect(headersOf(remove)['x-csrf-token']).toBe('csrf-1');
    expect(headersOf(remove)['content-type']).toBe('application/json');
    expect(remove.init.body).toBe('{}');
  });

  it('sends neither a body nor the CSRF token on reads', async () => {
    const { fetch, calls } = fakeFetch(json(200, session), json(200, { items: [] }));
    const api = createApiClient(createHttp({ fetch }));
    await api.currentSession();
    await api.listConnections('acc1');
    expect(calls[1]!.init.body).toBeUndefined();
    expect(headersOf(calls[1])['x-csrf-token']).toBeUndefined();
    expect(calls[1]!.init.credentials).toBe('same-origin');
  });

  it('forgets the CSRF token on sign-out', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, session),
      new Response(null, { status: 204 }),
      json(201, session),
    );
    const api = createApiClient(createHttp({ fetch }));
    await api.currentSession();
    await api.signOut();
    await api.acceptInvitation('tok', 'B', 'pw');
    expect(headersOf(calls[1])['x-csrf-token']).toBe('csrf-1');
    expect(headersOf(calls[2])['x-csrf-token']).toBeUndefined();
  });

  it("turns an error answer into an ApiError with the server's code and message", async () => {
    const { fetch } = fakeFetch(json(409, { code: 'last_admin', message: 'An account needs an admin.' }));
    const api = createApiClient(createHttp({ fetch }));
    const error = await api.changeMemberRole('acc1', 'u1', 'member').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'last_admin', message: 'An account needs an admin.' });
  });

  it('gives a readable message when the error body is not JSON', async () => {
    const { fetch } = fakeFetch(new Response('<html>Bad gateway</html>', { status: 502 }));
    const http = createHttp({ fetch });
    await expect(http.request('GET', '/api/v1/setup', z.object({}))).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
    });
  });

  it('reports an ended session on a signed-in 401, but not on sign-in or the session probe', async () => {
    const onUnauthorized = vi.fn();
    const unauthorized = () => json(401, { code: 'unauthorized', message: 'Sign in first.' });
    const { fetch } = fakeFetch(unauthorized(), unauthorized(), unauthorized());
    const api = createApiClient(createHttp({ fetch, onUnauthorized }));

    expect(await api.currentSession()).toBeNull();
    await expect(api.signIn('a@example.com', 'wrong')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.listMembers('acc1')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('refuses an answer that does not have the expected shape', async () => {
    const { fetch } = fakeFetch(json(200, { user: 'nobody' }));
    const api = createApiClient(createHttp({ fetch }));
    await expect(api.currentSession()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('maps a network failure to status 0', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const api = createApiClient(createHttp({ fetch }));
    await expect(api.setupStatus()).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

describe('connections calls', () => {
  it('creates a connection with the CSRF token and reads the created connection', async () => {
    const connection = {
      id: 'c1',
      kind: 'gitlab',
      name: 'acme',
      baseUrl: 'https://gitlab.com',
      target: 'acme',
      status: 'connected',
      hasToken: true,
      tokenUpdatedAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      hasCaCertificate: false,
      lastSyncedAt: null,
      syncError: null,
      repositoryCount: 0,
      lastTest: { unexpected: 'shape' },
      organizations: [{ id: 'o1', name: 'acme', webUrl: 'https://gitlab.com/acme' }],
    };
    const { fetch, calls } = fakeFetch(json(200, session), json(201, connection));
    const api = createApiClient(createHttp({ fetch }));
    await api.currentSession();
    const created = await api.createConnection('acc1', { kind: 'gitlab', group: 'acme', token: 'glpat-x' });

    expect(calls[1]!.url).toBe('/api/v1/accounts/acc1/connections');
    expect(calls[1]!.init.method).toBe('POST');
    expect(headersOf(calls[1])['x-csrf-token']).toBe('csrf-1');
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({
      kind: 'gitlab',
      group: 'acme',
      token: 'glpat-x',
    });
    expect(created).toMatchObject({ id: 'c1', repositoryCount: 0, lastTest: null });
  });

  it('lists repositories with the filters in the query and polls a job by id', async () => {
    const { fetch, calls } = fakeFetch(
      json(200, { items: [], nextCursor: null, total: 0 }),
      json(200, {
        id: 'j/1',
        kind: 'connection.sync',
        status: 'succeeded',
        attempts: 1,
        lastError: null,
        result: null,
        createdAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:00:01.000Z',
      }),
    );
    const api = createApiClient(createHttp({ fetch }));
    await api.listRepositories('acc1', {
      connectionId: 'c1',
      q: 'web',
      archived: false,
      limit: 50,
      cursor: 'x',
    });
    expect((await api.getJob('acc1', 'j/1')).status).toBe('succeeded');
    expect(calls[0]!.url).toBe(
      '/api/v1/accounts/acc1/repositories?connectionId=c1&q=web&archived=false&limit=50&cursor=x',
    );
    expect(calls[1]!.url).toBe('/api/v1/accounts/acc1/jobs/j%2F1');
  });
});
