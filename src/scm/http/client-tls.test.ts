import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startTwinServer,
  testCaPem,
  TwinRouter,
  type TwinServer,
} from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpOptions } from './client.js';
import { stubLookup } from './testing/canary.js';
import { normalizeBaseUrl } from './url.js';

const shared = createScmHttpShared();
const clients: ScmHttp[] = [];
let twin: TwinServer;

function client(baseUrl: string, options: Partial<ScmHttpOptions> = {}) {
  const http = createScmHttp({
    baseUrl: normalizeBaseUrl(baseUrl, { allowHttp: false }),
    policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: 'org-a' },
    shared,
    retry: { attempts: 1 },
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
    .get('/api/v4/version', () => ({ body: { version: '17.0.0' } }))
    .get('/moved', () => ({ status: 302, headers: { location: 'http://10.0.0.1/' } }));
  twin = await startTwinServer(router, { tls: true });
});
afterAll(async () => {
  await twin.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
});

describe('TLS with a per-connection CA (S27)', () => {
  it('fails tls_verification_failed for a private CA that was not given', async () => {
    const error = await failure(client(twin.url).request({ path: '/api/v4/version' }));
    expect([error.kind, error.code]).toEqual(['tls', 'tls_verification_failed']);
    expect(twin.count()).toBe(0);
  });

  it('works with the CA given to that connection, and leaves other connections unaffected', async () => {
    const trusted = client(twin.url, { caPem: testCaPem() });
    await expect(trusted.request({ path: '/api/v4/version' })).resolves.toMatchObject({
      data: { version: '17.0.0' },
    });
    const other = client(twin.url);
    expect((await failure(other.request({ path: '/api/v4/version' }))).code).toBe('tls_verification_failed');
    await expect(trusted.request({ path: '/api/v4/version' })).resolves.toMatchObject({ status: 200 });
  });

  it('verifies the certificate against the host name (SNI) while connecting to the checked address', async () => {
    const { lookup } = stubLookup(() => ['127.0.0.1']);
    const named = client(`https://scm.test:${twin.port}`, { caPem: testCaPem(), lookup });
    await expect(named.request({ path: '/api/v4/version' })).resolves.toMatchObject({ status: 200 });
    const wrongName = client(`https://wrong.test:${twin.port}`, { caPem: testCaPem(), lookup });
    expect((await failure(wrongName.request({ path: '/api/v4/version' }))).code).toBe(
      'tls_verification_failed',
    );
  });

  it('does not follow an https → http redirect to a private address (S14)', async () => {
    const error = await failure(client(twin.url, { caPem: testCaPem() }).request({ path: '/moved' }));
    expect([error.code, error.status]).toEqual(['redirect_blocked', 302]);
  });
});
