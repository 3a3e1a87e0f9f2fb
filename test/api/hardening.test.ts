import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, setUpAdmin } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';

const caPem = readFileSync(new URL('../twins/tls/ca.pem', import.meta.url), 'utf8');

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Sends bytes as they are on a fresh TCP connection and reads the one answer, for what Node's parser decides. */
function rawRequest(url: string, request: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseAnswer(Buffer.concat(chunks).toString('utf8'))));
  });
}

function parseAnswer(text: string): RawAnswer {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  const bodyText = rest.join('\r\n\r\n');
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // not JSON: the assertion shows the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

const expectErrorShape = (
  answer: {
    status: number;
    body: unknown;
    headers: { get(name: string): string | null } | Record<string, string>;
  },
  status: number,
  code?: string,
) => {
  expect(answer.status).toBe(status);
  const type =
    'get' in answer.headers && typeof answer.headers.get === 'function'
      ? answer.headers.get('content-type')
      : (answer.headers as Record<string, string>)['content-type'];
  expect(type).toMatch(/^application\/json/);
  expect(answer.body).toEqual({ code: code ?? expect.any(String), message: expect.any(String) });
};

describe('the HTTP surface', () => {
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

  const accountNames = async () =>
    (await admin.get<{ items: { name: string }[] }>('/api/v1/accounts')).body.items.map((a) => a.name);

  describe('refuses text the database cannot store, naming the field', () => {
    it.each([
      ['a NUL in a JSON string', '{"name":"Acme\\u0000"}', 'body.name'],
      ['a lone high surrogate', '{"name":"Acme \\ud800"}', 'body.name'],
      ['a lone low surrogate', '{"name":"\\udc00 Acme"}', 'body.name'],
      ['a NUL deep in the body', '{"name":"Acme","extra":{"list":["ok","\\u0000"]}}', 'body.extra.list.1'],
      ['a NUL in a key', '{"name":"Acme","a\\u0000":1}', 'body (a key)'],
    ])('%s', async (_what, body, field) => {
      const answer = await admin.post('/api/v1/accounts', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'validation_failed',
        message: expect.stringMatching(
          new RegExp(`^${field.replace(/[().]/g, '\\$&')}: must not contain NUL`),
        ),
        details: { issues: [{ path: field, message: expect.any(String) }] },
      });
      expect(await accountNames()).toEqual(['Acme Security']);
    });

    it('in the query string and in path parameters', async () => {
      const query = await admin.get(`/api/v1/accounts/${accountId}/repositories?q=a%00b`);
      expect(query.status).toBe(400);
      expect(query.body).toMatchObject({ message: expect.stringContaining('query.q: must not contain NUL') });
      const param = await admin.get(`/api/v1/invitations/${'a'.repeat(24)}%00`);
      expect(param.status).toBe(400);
      expect(param.body).toMatchObject({
        message: expect.stringContaining('params.token: must not contain NUL'),
      });
    });

    it('inside a decoded cursor', async () => {
      const cursor = Buffer.from(JSON.stringify(['acme/\u0000', 'x'])).toString('base64url');
      const answer = await admin.get(`/api/v1/accounts/${accountId}/repositories?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'invalid_cursor',
        message: expect.stringContaining('query.cursor'),
      });
    });

    it('in the CA certificate field, which holds PEM certificates and whitespace only', async () => {
      const connect = (pem: string) =>
        admin.post(`/api/v1/accounts/${accountId}/connections`, {
          kind: 'gitlab-self-managed',
          baseUrl: 'https://gitlab.example.invalid',
          group: 'acme',
          token: 'glpat-abcdefghijklmnop',
          caPem: pem,
        });
      const nul = await connect(`${caPem}\u0000`);
      expect(nul.status).toBe(400);
      expect(nul.body).toMatchObject({
        message: expect.stringContaining('body.caPem: must not contain NUL'),
      });
      for (const pem of [
        `Issuer: our CA\n${caPem}`,
        `${caPem}\n# trailing note`,
        caPem.replace('MII', 'MII!'),
      ]) {
        const answer = await connect(pem);
        expect(answer.status).toBe(400);
        expect(answer.body).toMatchObject({
          code: 'validation_failed',
          message: expect.stringContaining('body.caPem: must hold only PEM certificates'),
        });
      }
      const list = await admin.get<{ items: unknown[] }>(`/api/v1/accounts/${accountId}/connections`);
      expect(list.body.items).toEqual([]);
    });
  });

  it('refuses a JSON body that is not UTF-8 instead of repairing it', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"name":"Acme '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const answer = await fetch(`${service.url}/api/v1/accounts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie!,
        'x-csrf-token': admin.csrfToken!,
        origin: service.url,
      },
      body: bytes,
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ code: 'invalid_json', message: expect.stringContaining('UTF-8') });
    expect(await accountNames()).toEqual(['Acme Security']);
  });

  describe('answers every error as {code, message} in JSON', () => {
    const big = 'x'.repeat(1024 * 1024 + 10);

    it.each(['/', '/settings/members', '/api/v1/accounts', '/api/v1/nothing', '/assets/app.js', '/metrics'])(
      '413 for a body over the limit at %s',
      async (path) => {
        const answer = await admin.post(path, big);
        expectErrorShape(answer, 413, 'body_too_large');
      },
    );

    it.each([
      ['GET', '/api/v1/nothing-here'],
      ['POST', '/anything'],
      ['DELETE', '/'],
      ['GET', '/assets/missing.js'],
    ])('404 for %s %s', async (method, path) => {
      expectErrorShape(await admin.call(method, path), 404, 'not_found');
    });

    it('415 for a body that is not JSON', async () => {
      const answer = await admin.post('/api/v1/accounts', 'name=Acme', { 'content-type': 'text/plain' });
      expectErrorShape(answer, 415, 'unsupported_media_type');
    });

    it('400 for a malformed percent-encoding and 414 for an over-long path segment', async () => {
      expectErrorShape(await admin.get('/api/v1/accounts/%ZZ/members'), 400, 'invalid_url');
      expectErrorShape(await admin.get('/api/v1/accounts/%ED%A0%80/members'), 400, 'invalid_url');
      const long = await admin.post(`/api/v1/invitations/${'a'.repeat(150)}/accept`, {});
      expectErrorShape(long, 414, 'url_too_long');
    });

    it('401 from the hook that runs before any handler', async () => {
      expectErrorShape(await fetch(`${service.url}/api/v1/accounts`).then(toAnswer), 401, 'unauthorized');
    });

    it('431 for headers over the size Node accepts', async () => {
      const answer = await rawRequest(
        service.url,
        `GET /api/v1/session HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expectErrorShape(answer, 431, 'headers_too_large');
    });

    it.each([
      [
        'a Content-Length that is not a number',
        'POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n',
      ],
      ['a NUL in a header', 'GET /api/v1/session HTTP/1.1\r\nHost: x\r\nUser-Agent: a\0b\r\n\r\n'],
      ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    ])('400 from the HTTP parser for %s', async (_what, request) => {
      expectErrorShape(await rawRequest(service.url, request), 400, 'invalid_request');
    });

    it('417 for an Expect header other than 100-continue', async () => {
      const answer = await rawRequest(
        service.url,
        'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n',
      );
      expectErrorShape(answer, 417, 'expectation_failed');
    });
  });
});

describe('shutting down', () => {
  it('answers a request that arrives during shutdown with a JSON 503', async () => {
    const service = await startTestService();
    const { port } = new URL(service.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    // A request whose body has not all arrived keeps the connection busy, so the server waits for it.
    const received = new Promise((resolve) => service.app.server.once('request', resolve));
    socket.write(
      'POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{',
    );
    await received;
    const closed = service.close();
    while (service.app.server.listening) await new Promise((resolve) => setImmediate(resolve));
    socket.write('}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await ended;
    await closed;
    const answers = Buffer.concat(chunks)
      .toString('utf8')
      .split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expectErrorShape(parseAnswer(answers[0]!), 404, 'not_found');
    expectErrorShape(parseAnswer(answers[1]!), 503, 'shutting_down');
  });
});

async function toAnswer(response: Response): Promise<{ status: number; headers: Headers; body: unknown }> {
  return { status: response.status, headers: response.headers, body: await response.json() };
}
