import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import {
  createScmHttp,
  createScmHttpShared,
  type ScmHttp,
  type ScmHttpOptions,
  type ScmHttpShared,
} from './client.js';

let twin: TwinServer;
let shared: ScmHttpShared;
let sleeps: number[];
const clients: ScmHttp[] = [];
const calls = new Map<string, number>();
const nthCall = (name: string) => {
  const n = (calls.get(name) ?? 0) + 1;
  calls.set(name, n);
  return n;
};

function client(options: Partial<ScmHttpOptions> = {}) {
  const http = createScmHttp({
    baseUrl: new URL(twin.url),
    policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: 'org-a' },
    shared,
    allowHttp: true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  clients.push(http);
  return http;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (error instanceof ScmError) return error;
      throw error;
    },
  );

beforeAll(async () => {
  const router = new TwinRouter()
    .get('/ok', () => ({ body: { ok: true } }))
    .get('/b', () => ({ body: { ok: true } }))
    .add('POST', '/ok', () => ({ status: 201, body: { ok: true } }))
    .get('/status/:code', (request) => ({ status: Number(request.params.code), body: { message: 'nope' } }))
    .get('/primary-limit', () =>
      nthCall('primary') === 1
        ? {
            status: 403,
            headers: {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30),
            },
            body: { message: 'API rate limit exceeded' },
          }
        : { body: { ok: true } },
    )
    .get('/secondary-limit', () =>
      nthCall('secondary') === 1
        ? { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } }
        : { body: { ok: true } },
    )
    .get('/gitlab-limit', () =>
      nthCall('gitlab') === 1
        ? {
            status: 429,
            headers: { 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 20) },
            body: 'Retry later',
          }
        : { body: { ok: true } },
    );
  twin = await startTwinServer(router);
});
afterAll(async () => {
  await twin.close();
});
beforeEach(() => {
  shared = createScmHttpShared();
  sleeps = [];
  calls.clear();
  twin.log.length = 0;
  twin.faults.clear();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
});

describe('retries of unavailable answers', () => {
  it('retries 5xx on GET with exponential backoff and jitter', async () => {
    twin.faults.next({ kind: 'status', status: 503 }, 2, '/ok');
    const response = await client({ retry: { baseDelayMs: 100, maxDelayMs: 150 } }).request({ path: '/ok' });
    expect(response.data).toEqual({ ok: true });
    expect(twin.count('/ok')).toBe(3);
    expect(sleeps).toHaveLength(2);
    // Try 1: ceiling 100 → [50, 100]; try 2: ceiling min(150, 200) → [75, 150].
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(75);
    expect(sleeps[1]).toBeLessThanOrEqual(150);
  });

  it('retries a reset connection and a truncated body', async () => {
    twin.faults.next({ kind: 'reset' }, 1, '/ok').next({ kind: 'truncate' }, 1, '/ok');
    await expect(client().request({ path: '/ok' })).resolves.toMatchObject({ data: { ok: true } });
    expect(twin.log.map((entry) => entry.fault)).toEqual(['reset', 'truncate', undefined]);
  });

  it('gives up after the configured attempts', async () => {
    twin.faults.every(1, { kind: 'status', status: 502 });
    const error = await failure(client({ retry: { attempts: 3 } }).request({ path: '/ok' }));
    expect([error.kind, error.status]).toEqual(['unavailable', 502]);
    expect(twin.count('/ok')).toBe(3);
  });

  it('does not retry a non-idempotent POST', async () => {
    twin.faults.next({ kind: 'status', status: 500 }, 1, '/ok');
    const error = await failure(client().request({ method: 'POST', path: '/ok', body: {} }));
    expect(error.kind).toBe('unavailable');
    expect(twin.count('/ok')).toBe(1);
  });

  it.each([
    [401, 'auth', 'invalid_credentials'],
    [403, 'forbidden', 'insufficient_permissions'],
    [404, 'not-found', 'scm_not_found'],
    [400, 'invalid', 'upstream_rejected'],
    [422, 'invalid', 'upstream_rejected'],
    [500, 'unavailable', 'upstream_unavailable'],
  ])('maps %i to %s and never retries auth failures', async (status, kind, code) => {
    const error = await failure(client({ retry: { attempts: 2 } }).request({ path: `/status/${status}` }));
    expect([error.kind, error.code, error.status]).toEqual([kind, code, status]);
    expect(twin.count('/status')).toBe(status >= 500 ? 2 : 1);
  });

  it('returns statuses the caller accepts instead of throwing', async () => {
    const response = await client().request({ path: '/status/404', acceptStatus: [404] });
    expect([response.status, response.data]).toEqual([404, { message: 'nope' }]);
  });
});

describe('rate limits', () => {
  it.each([429, 403] as const)('waits for Retry-After on %i, then retries', async (status) => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 7, status }, 1, '/ok');
    await expect(client().request({ path: '/ok' })).resolves.toMatchObject({ status: 200 });
    expect(twin.count('/ok')).toBe(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(6000);
    expect(sleeps[0]).toBeLessThanOrEqual(7000);
  });

  it('waits until x-ratelimit-reset on a GitHub primary limit (403)', async () => {
    await expect(client().request({ path: '/primary-limit' })).resolves.toMatchObject({ status: 200 });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(28_000);
    expect(sleeps[0]).toBeLessThanOrEqual(30_000);
  });

  it('waits until RateLimit-Reset on a GitLab 429', async () => {
    await expect(client().request({ path: '/gitlab-limit' })).resolves.toMatchObject({ status: 200 });
    expect(sleeps[0]).toBeGreaterThan(18_000);
    expect(sleeps[0]).toBeLessThanOrEqual(20_000);
  });

  it('waits a minute on a secondary limit without headers', async () => {
    await expect(client().request({ path: '/secondary-limit' })).resolves.toMatchObject({ status: 200 });
    // The pause is a deadline; the wait is measured against the clock a moment later.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(59_000);
    expect(sleeps[0]).toBeLessThanOrEqual(60_000);
  });

  it('gives up with rate-limited and retryAt when the wait exceeds maxWaitMs', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 3600 }, 1, '/ok');
    const before = Date.now();
    const error = await failure(client({ retry: { maxWaitMs: 60_000 } }).request({ path: '/ok' }));
    expect([error.kind, error.code, error.status]).toEqual(['rate-limited', 'rate_limited', 429]);
    expect(error.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(error.retryAt!.getTime()).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(twin.count('/ok')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('makes concurrent calls to the same host wait out the pause together', async () => {
    let endPause!: () => void;
    const sleep = (ms: number) => {
      sleeps.push(ms);
      return new Promise<void>((resolve) => (endPause = resolve));
    };
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 5 }, 1, '/ok');
    const first = client({ sleep }).request({ path: '/ok' });
    await vi.waitFor(() => expect(sleeps).toHaveLength(1));
    expect(shared.pausedUntil(new URL(twin.url).host)).toBeInstanceOf(Date);

    const second = client({ sleep }).request({ path: '/b' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(twin.count('/b')).toBe(0);

    endPause();
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect(twin.count('/ok')).toBe(2);
    expect(twin.count('/b')).toBe(1);
    expect(sleeps).toHaveLength(1);
  });
});

describe('per-host concurrency', () => {
  it('runs at most 4 requests at once against one host by default', async () => {
    let inFlight = 0;
    let most = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const router = new TwinRouter().get('/slow', async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await gate;
      inFlight -= 1;
      return { body: {} };
    });
    const slowTwin = await startTwinServer(router);
    try {
      const http = client({ baseUrl: new URL(slowTwin.url) });
      const pending = Array.from({ length: 10 }, () => http.request({ path: '/slow' }));
      await vi.waitFor(() => expect(inFlight).toBe(4));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(inFlight).toBe(4);
      open();
      await Promise.all(pending);
      expect(most).toBe(4);
      expect(slowTwin.count('/slow')).toBe(10);
    } finally {
      open();
      await slowTwin.close();
    }
  });
});
