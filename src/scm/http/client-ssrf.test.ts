import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpOptions } from './client.js';
import { startCanary, stubLookup, type Canary } from './testing/canary.js';
import { normalizeBaseUrl } from './url.js';

const shared = createScmHttpShared();
const clients: ScmHttp[] = [];
const noSleep = async () => undefined;

function client(
  baseUrl: string,
  options: Partial<ScmHttpOptions> & { allow?: string; accountId?: string } = {},
) {
  const http = createScmHttp({
    baseUrl: normalizeBaseUrl(baseUrl, { allowHttp: true }),
    policy: { allowlist: parseAllowlist(options.allow ?? ''), accountId: options.accountId ?? 'org-a' },
    shared,
    allowHttp: true,
    sleep: noSleep,
    connectTimeoutMs: 2000,
    ...options,
  });
  clients.push(http);
  return http;
}

async function failure(promise: Promise<unknown>): Promise<ScmError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ScmError)) throw new Error(`expected an ScmError, got ${String(error)}`);
  return error;
}

let canary: Canary;
beforeAll(async () => {
  canary = await startCanary();
});
afterAll(async () => {
  await canary.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
  expect(canary.connections()).toBe(0);
});

describe('IP encodings and private ranges are blocked before any connection (S1–S6)', () => {
  const refusingLookup = stubLookup(() => {
    throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  }).lookup;
  it.each([
    '127.0.0.1',
    '0x7f.1',
    '017700000001',
    '2130706433',
    '127.1',
    '0177.0.0.1',
    '127.000.000.001',
    '0x7f000001',
    '%31%32%37.0.0.1',
    '[::ffff:7f00:1]',
    '[::ffff:127.0.0.1]',
    '[::1]',
    '[::]',
    '0',
    '0.0.0.0',
    '[::7f00:1]',
    '[64:ff9b::7f00:1]',
    '[2002:7f00:1::]',
    '169.254.169.254',
    '[::ffff:169.254.169.254]',
    '[fd00:ec2::254]',
    '10.0.0.5',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '100.100.100.200',
    '168.63.129.16',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '[fc00::1]',
    '[fe80::1]',
  ])('http://%s → ssrf_blocked', async (host) => {
    const error = await failure(
      client(`http://${host}:${canary.port}/`, { lookup: refusingLookup }).request({}),
    );
    expect([error.kind, error.code]).toEqual(['blocked-address', 'ssrf_blocked']);
  });

  it.each(['localhost', 'ⓛⓞⓒⓐⓛⓗⓞⓢⓣ'])('http://%s → ssrf_blocked with the system resolver', async (host) => {
    const error = await failure(client(`http://${host}:${canary.port}/`).request({}));
    expect(error.code).toBe('ssrf_blocked');
  });

  it('http://localhost./ → ssrf_blocked when it resolves to loopback', async () => {
    const { lookup, asked } = stubLookup(() => ['127.0.0.1', '::1']);
    const error = await failure(client(`http://localhost.:${canary.port}/`, { lookup }).request({}));
    expect(error.code).toBe('ssrf_blocked');
    expect(asked).toEqual(['localhost.']);
  });
});

describe('names are resolved and checked at connect time', () => {
  it('refuses the whole answer when one address is bad ("one bad apple")', async () => {
    const { lookup, asked } = stubLookup(() => ['8.8.8.8', '127.0.0.1']);
    const error = await failure(client(`http://scm.test:${canary.port}/`, { lookup }).request({}));
    expect(error.code).toBe('ssrf_blocked');
    expect(asked).toEqual(['scm.test']);
  });

  it.each([
    [
      'the name does not exist',
      () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    ],
    ['the answer is empty', () => Promise.resolve([])],
    ['the resolver never answers', () => new Promise<string[]>(() => undefined)],
  ])('fails dns_resolution_failed when %s, without connecting (S9)', async (_name, answer) => {
    const { lookup } = stubLookup(answer);
    const http = client(`http://foobar.invalid:${canary.port}/`, {
      lookup,
      connectTimeoutMs: 100,
      allow: '0.0.0.0/0',
    });
    const error = await failure(http.request({}));
    expect([error.kind, error.code]).toEqual(['unavailable', 'dns_resolution_failed']);
  });

  describe('rebinding', () => {
    let twin: TwinServer;
    let rebindCanary: Canary;
    beforeAll(async () => {
      // The twin plays the public SCM on 127.0.0.2 (allowlisted); the canary waits on 127.0.0.1, same port.
      rebindCanary = await startCanary({ hosts: ['127.0.0.1'] });
      const router = new TwinRouter().get('/api/v4/version', (request) => ({
        headers: { connection: 'close' },
        body: { host: request.headers.host },
      }));
      twin = await startTwinServer(router, { host: '127.0.0.2', port: rebindCanary.port });
    });
    afterAll(async () => {
      await twin.close();
      await rebindCanary.close();
    });

    it('connects to the address it checked, keeps Host as the name, and blocks a rebound answer', async () => {
      const { lookup, asked } = stubLookup((_name, call) => (call === 1 ? ['127.0.0.2'] : ['127.0.0.1']));
      const http = client(`http://scm.test:${twin.port}/`, { lookup, allow: '127.0.0.2' });
      const first = await http.request<{ host: string }>({ path: '/api/v4/version' });
      expect(first.data.host).toBe(`scm.test:${twin.port}`);
      // The twin closed the connection, so the next call resolves again and gets the loopback answer.
      const error = await failure(http.request({ path: '/api/v4/version' }));
      expect(error.code).toBe('ssrf_blocked');
      expect(asked).toEqual(['scm.test', 'scm.test']);
      expect(twin.count('/api/v4/version')).toBe(1);
      expect(rebindCanary.connections()).toBe(0);
    });
  });
});

describe('operator allowlist', () => {
  let twin: TwinServer;
  beforeAll(async () => {
    const router = new TwinRouter()
      .get('/ok', () => ({ body: { ok: true } }))
      .get('/redirect-metadata', () => ({
        status: 302,
        headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      }))
      .get('/redirect-canary', () => ({
        status: 301,
        headers: { location: `http://127.0.0.1:${canary.port}/` },
      }))
      .add('POST', '/echo', (request) => ({
        status: 422,
        headers: { 'x-echo-auth': String(request.headers['private-token']) },
        body: { message: `echo ${String(request.headers['private-token'])} ${request.url.search}` },
      }));
    twin = await startTwinServer(router);
  });
  afterAll(async () => {
    await twin.close();
  });

  it('a port-scoped entry opens that port only (S19)', async () => {
    const allow = `127.0.0.1:${twin.port}`;
    await expect(client(twin.url, { allow }).request({ path: '/ok' })).resolves.toMatchObject({
      status: 200,
    });
    const error = await failure(client(`http://127.0.0.1:${canary.port}/`, { allow }).request({}));
    expect(error.code).toBe('ssrf_blocked');
  });

  it('an account-scoped entry opens the address for that account only (S20)', async () => {
    const allow = '127.0.0.0/8@org-a';
    await expect(
      client(twin.url, { allow, accountId: 'org-a' }).request({ path: '/ok' }),
    ).resolves.toMatchObject({
      data: { ok: true },
    });
    const error = await failure(client(twin.url, { allow, accountId: 'org-b' }).request({ path: '/ok' }));
    expect(error.code).toBe('ssrf_blocked');
  });

  it('an IPv6 entry with a port opens an IPv6 literal', async () => {
    const v6 = await startTwinServer(
      new TwinRouter().get('/ok', () => ({ body: { v6: true } })),
      { host: '::1' },
    );
    try {
      const http = client(v6.url, { allow: `[::1]:${v6.port}` });
      await expect(http.request({ path: '/ok' })).resolves.toMatchObject({ data: { v6: true } });
      const other = await failure(
        client(`http://[::1]:${canary.port}/`, { allow: `[::1]:${v6.port}` }).request({}),
      );
      expect(other.code).toBe('ssrf_blocked');
    } finally {
      await v6.close();
    }
  });

  it('a host-name entry opens that name', async () => {
    const { lookup } = stubLookup(() => ['127.0.0.1']);
    const http = client(`http://scm.test:${twin.port}`, { lookup, allow: `scm.test:${twin.port}` });
    await expect(http.request({ path: '/ok' })).resolves.toMatchObject({ status: 200 });
  });

  it('metadata stays blocked under a wide allowlist, by IP or by name (S21)', async () => {
    const allow = '0.0.0.0/0 ::/0 metadata.test';
    const byIp = await failure(client('http://169.254.169.254/', { allow }).request({}));
    expect(byIp.code).toBe('ssrf_blocked');
    const { lookup } = stubLookup(() => ['169.254.169.254']);
    const byName = await failure(client('http://metadata.test/', { allow, lookup }).request({}));
    expect(byName.code).toBe('ssrf_blocked');
  });

  it('does not follow redirects, to metadata or anywhere (S13)', async () => {
    const http = client(twin.url, { allow: `127.0.0.1:${twin.port}` });
    for (const path of ['/redirect-metadata', '/redirect-canary']) {
      const error = await failure(http.request({ path }));
      expect([error.kind, error.code, error.status]).toEqual([
        'invalid',
        'redirect_blocked',
        path.endsWith('a') ? 302 : 301,
      ]);
    }
  });

  it('ignores HTTPS_PROXY / HTTP_PROXY from the environment (S24)', async () => {
    const names = ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'NO_PROXY'];
    const saved = names.map((name) => [name, process.env[name]] as const);
    for (const name of names.slice(0, 5)) process.env[name] = `http://127.0.0.1:${canary.port}`;
    try {
      const blocked = await failure(client('http://169.254.169.254/').request({}));
      expect(blocked.code).toBe('ssrf_blocked');
      const ok = await client(twin.url, { allow: `127.0.0.1:${twin.port}` }).request({ path: '/ok' });
      expect(ok.status).toBe(200);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
    }
  });

  it('keeps upstream bodies, header values and tokens out of errors (S17, K3)', async () => {
    const token = 'glpat-SECRET-TOKEN-123';
    const http = client(twin.url, {
      allow: `127.0.0.1:${twin.port}`,
      auth: () => ({ 'PRIVATE-TOKEN': token }),
    });
    const error = await failure(
      http.request({
        method: 'POST',
        path: '/echo',
        query: { private_token: 'glpat-IN-QUERY', page: 2 },
        body: {},
      }),
    );
    expect([error.kind, error.status]).toEqual(['invalid', 422]);
    const visible = JSON.stringify({ message: error.message, fix: error.fix, code: error.code });
    expect(visible).not.toContain('SECRET');
    expect(visible).not.toContain('IN-QUERY');
    expect(error.message).toContain('private_token=***');
    expect(twin.log.at(-1)?.headers['private-token']).toBe(token);
  });

  it('sends auth headers only to the base URL origin unless told otherwise', async () => {
    const { lookup } = stubLookup(() => ['127.0.0.1']);
    const http = client(twin.url, {
      allow: '127.0.0.1',
      lookup,
      auth: () => ({ authorization: 'Bearer t' }),
    });
    await http.request({ url: new URL(`http://other.test:${twin.port}/ok`) });
    expect(twin.log.at(-1)?.headers.authorization).toBeUndefined();
    await http.request({ url: new URL(`http://other.test:${twin.port}/ok`), authOnOtherOrigin: true });
    expect(twin.log.at(-1)?.headers.authorization).toBe('Bearer t');
  });

  it('answers closed and non-HTTP ports alike: upstream_unreachable (S18)', async () => {
    const ssh = await startCanary({ hosts: ['127.0.0.1'], greeting: 'SSH-2.0-OpenSSH_9.6\r\n' });
    const closedPort = await startCanary({ hosts: ['127.0.0.1'] });
    await closedPort.close();
    try {
      const errors = [];
      for (const port of [ssh.port, closedPort.port]) {
        const http = client(`http://127.0.0.1:${port}/`, { allow: '127.0.0.1', retry: { attempts: 1 } });
        errors.push(await failure(http.request({ path: '/api/v4/version' })));
      }
      expect(errors.map((error) => [error.kind, error.code])).toEqual([
        ['unavailable', 'upstream_unreachable'],
        ['unavailable', 'upstream_unreachable'],
      ]);
      expect(errors[0]!.message.replace(String(ssh.port), 'PORT')).toBe(
        errors[1]!.message.replace(String(closedPort.port), 'PORT'),
      );
    } finally {
      await ssh.close();
    }
  });

  it('refuses request URLs that are not http(s) or leave the base path', async () => {
    expect(() => client(twin.url, { allow: '127.0.0.1', allowHttp: false })).toThrowError(
      expect.objectContaining({ code: 'scheme_not_allowed' }),
    );
    const https = client(twin.url.replace('http:', 'https:'), { allow: '127.0.0.1' });
    expect((await failure(https.request({ url: new URL('file:///etc/passwd') }))).code).toBe(
      'scheme_not_allowed',
    );
    expect((await failure(https.request({ path: '//evil.com/x' }))).code).toBe('invalid_request');
    expect((await failure(https.request({ path: 'api' }))).code).toBe('invalid_request');
  });
});
