import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpShared } from './client.js';

let twin: TwinServer;
let shared: ScmHttpShared;
const clients: ScmHttp[] = [];

/** A sleep that never ends, so a request that waits for a pause never completes. */
const waits: number[] = [];
const sleepForever = (ms: number) => {
  waits.push(ms);
  return new Promise<void>(() => undefined);
};

function client(hostPause: boolean | undefined) {
  const http = createScmHttp({
    baseUrl: new URL(twin.url),
    policy: { allowlist: parseAllowlist(`127.0.0.1:${twin.port}`), accountId: 'org-a' },
    shared,
    allowHttp: true,
    sleep: sleepForever,
    ...(hostPause === undefined ? {} : { hostPause }),
  });
  clients.push(http);
  return http;
}

/** Resolves with the answer's status, or with `waiting` if it has not answered within a second. */
async function statusOrWaiting(response: Promise<Response>): Promise<number | 'waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<'waiting'>((resolve) => {
    timer = setTimeout(() => resolve('waiting'), 1000);
  });
  try {
    return await Promise.race([response.then((answer) => answer.status), waiting]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  twin = await startTwinServer(new TwinRouter().get('/rate_limit', () => ({ body: { ok: true } })));
});
afterAll(() => twin.close());
beforeEach(() => {
  shared = createScmHttpShared();
  waits.length = 0;
  twin.faults.clear();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
});

describe('hostPause: false (per-credential rate-limit budgets)', () => {
  it("keeps one client's 403 rate limit from pausing another client on the same host", async () => {
    const limited = client(false);
    const other = client(false);
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 30, status: 403 });
    expect((await limited.fetch(`${twin.url}/rate_limit`)).status).toBe(403);
    expect(shared.pausedUntil(new URL(twin.url).host)).toBeUndefined();
    expect(await statusOrWaiting(other.fetch(`${twin.url}/rate_limit`))).toBe(200);
  });

  it('does not wait out a pause that a host-pausing client started', async () => {
    const pausing = client(undefined);
    const independent = client(false);
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 30, status: 403 });
    expect((await pausing.fetch(`${twin.url}/rate_limit`)).status).toBe(403);
    expect(shared.pausedUntil(new URL(twin.url).host)).toBeDefined();
    expect(await statusOrWaiting(independent.fetch(`${twin.url}/rate_limit`))).toBe(200);
  });

  it('by default the 403 rate limit pauses the other clients of the host', async () => {
    const limited = client(undefined);
    const other = client(undefined);
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 30, status: 403 });
    expect((await limited.fetch(`${twin.url}/rate_limit`)).status).toBe(403);
    expect(await statusOrWaiting(other.fetch(`${twin.url}/rate_limit`))).toBe('waiting');
  });

  it('its own request() still waits out its rate limit, without a shared pause', async () => {
    const limited = client(false);
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 2, status: 403 });
    const pending = limited.request({ path: '/rate_limit' });
    void pending.catch(() => undefined);
    await expect.poll(() => waits.length).toBe(1);
    expect(waits[0]).toBeGreaterThan(1000);
    expect(shared.pausedUntil(new URL(twin.url).host)).toBeUndefined();
  });
});
