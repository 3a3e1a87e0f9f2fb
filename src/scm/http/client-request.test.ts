import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpOptions } from './client.js';

let twin: TwinServer;
const clients: ScmHttp[] = [];

function client(path = '/', options: Partial<ScmHttpOptions> = {}) {
  const http = createScmHttp({
    baseUrl: new URL(`${twin.url}${path}`),
    policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: 'org-a' },
    shared: createScmHttpShared(),
    allowHttp: true,
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
    .add('POST', '/gitlab/api/v4/echo', (request) => ({
      status: 201,
      body: { query: request.url.search, headers: request.headers, body: request.json() },
    }))
    .get('/text', () => ({ body: 'plain words' }))
    .get('/broken-json', () => ({ headers: { 'content-type': 'application/json' }, body: '{"a":' }))
    .get('/user', () => ({ body: { id: 'not-a-number', login: 'x' } }))
    .get('/file.json', () => ({
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"looks": "like JSON"}\n'),
    }))
    .get('/binary', () => ({
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0xff, 0x00, 0xfe, 0x0a]),
    }))
    .get('/large', () => ({ headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(4096) }));
  twin = await startTwinServer(router);
});
afterAll(async () => {
  await twin.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
});

describe('request', () => {
  it('joins the base path, adds query, JSON body, default and auth headers', async () => {
    const http = client('/gitlab', {
      auth: async () => ({ 'PRIVATE-TOKEN': 'glpat-x' }),
      userAgent: 'scm-connect/1.0',
    });
    const schema = z.object({
      query: z.string(),
      headers: z.record(z.string(), z.unknown()),
      body: z.object({ name: z.string() }),
    });
    const response = await http.request(
      {
        method: 'post',
        path: '/api/v4/echo',
        query: { search: 'a b', archived: false, page: 2, skipped: undefined },
        body: { name: 'repo' },
      },
      schema,
    );
    expect(response.status).toBe(201);
    expect(response.url.pathname).toBe('/gitlab/api/v4/echo');
    expect(response.data.query).toBe('?search=a+b&archived=false&page=2');
    expect(response.data.body).toEqual({ name: 'repo' });
    expect(response.data.headers).toMatchObject({
      'private-token': 'glpat-x',
      'user-agent': 'scm-connect/1.0',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(response.data.headers['accept-encoding']).toBeUndefined();
  });

  it('returns non-JSON text as a string', async () => {
    await expect(client().request({ path: '/text' })).resolves.toMatchObject({ data: 'plain words' });
  });

  it('fails upstream_invalid_response on broken JSON or a schema mismatch, naming paths not values', async () => {
    expect((await failure(client().request({ path: '/broken-json' }))).code).toBe(
      'upstream_invalid_response',
    );
    const error = await failure(client().request({ path: '/user' }, z.object({ id: z.number() })));
    expect(error.code).toBe('upstream_invalid_response');
    expect(error.message).toContain('(at id)');
    expect(error.message).not.toContain('not-a-number');
  });

  it('returns the bytes as they came with responseType bytes, JSON and binary alike', async () => {
    const json = await client().request({ path: '/file.json', responseType: 'bytes' });
    expect(Buffer.isBuffer(json.data)).toBe(true);
    expect(json.data).toEqual(Buffer.from('{"looks": "like JSON"}\n'));
    const binary = await client().request({ path: '/binary', responseType: 'bytes' });
    expect(binary.data).toEqual(Buffer.from([0xff, 0x00, 0xfe, 0x0a]));
  });

  it('caps one answer lower than the client does with maxResponseBytes (too-large), never higher', async () => {
    const error = await failure(client().request({ path: '/large', maxResponseBytes: 1024 }));
    expect([error.kind, error.code]).toEqual(['too-large', 'response_too_large']);
    const small = client('/', { maxResponseBytes: 1024 });
    expect((await failure(small.request({ path: '/large', maxResponseBytes: 1_000_000 }))).kind).toBe(
      'too-large',
    );
    await expect(client().request({ path: '/large', maxResponseBytes: 4096 })).resolves.toMatchObject({
      status: 200,
    });
  });

  it('refuses a header value with a line break (header injection)', async () => {
    const http = client('/', { auth: () => ({ authorization: 'Bearer abc\r\nX-Evil: 1' }) });
    twin.log.length = 0;
    const error = await failure(http.request({ path: '/text' }));
    expect(error.code).toBe('invalid_request_header');
    expect(error.message).not.toContain('abc');
    expect(twin.count('/text')).toBe(0);
  });
});
