import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp } from './client.js';
import { requestOrRefusal, type AnswerReader } from './refusal.js';

let twin: TwinServer;
let http: ScmHttp;

const userSchema = z.object({ id: z.number(), login: z.string() });
const reader: AnswerReader<string> = {
  refusal: (response) =>
    z.object({ message: z.string() }).catch({ message: '(none)' }).parse(response.data).message,
  invalid: (response, at) => new ScmError('invalid', `${response.url.pathname} at ${at}`),
};

beforeAll(async () => {
  const router = new TwinRouter()
    .get('/user', () => ({ headers: { 'x-scope': 'read' }, body: { id: 7, login: 'ada' } }))
    .get('/bad-shape', () => ({ body: { id: 'seven', login: 'ada' } }))
    .get('/gone', () => ({ status: 404, body: { message: 'no such user' } }))
    .get('/refused-plain', () => ({ status: 403, body: 'nope' }))
    .get('/conflict', () => ({ status: 409, body: { message: 'busy' } }))
    .get('/broken', () => ({ status: 500, body: { message: 'boom' } }));
  twin = await startTwinServer(router);
  http = createScmHttp({
    baseUrl: new URL(twin.url),
    policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: 'org-a' },
    shared: createScmHttpShared(),
    allowHttp: true,
    retry: { attempts: 1 },
  });
});
afterAll(async () => {
  await http.close();
  await twin.close();
});

describe('requestOrRefusal', () => {
  it('parses a 2xx answer and keeps its headers', async () => {
    const answer = await requestOrRefusal(http, { path: '/user' }, userSchema, reader);
    expect(answer).toMatchObject({ ok: true, data: { id: 7, login: 'ada' }, headers: { 'x-scope': 'read' } });
  });

  it('reads 401/403/404 as refusals by default', async () => {
    expect(await requestOrRefusal(http, { path: '/gone' }, userSchema, reader)).toMatchObject({
      ok: false,
      status: 404,
      refusal: 'no such user',
    });
    expect(await requestOrRefusal(http, { path: '/refused-plain' }, userSchema, reader)).toMatchObject({
      ok: false,
      status: 403,
      refusal: '(none)',
    });
  });

  it('throws for a status outside `refused`, and reads it when listed', async () => {
    await expect(requestOrRefusal(http, { path: '/conflict' }, userSchema, reader)).rejects.toMatchObject({
      kind: 'invalid',
      status: 409,
    });
    expect(
      await requestOrRefusal(http, { path: '/conflict' }, userSchema, { ...reader, refused: [409] }),
    ).toMatchObject({ ok: false, status: 409, refusal: 'busy' });
    await expect(requestOrRefusal(http, { path: '/broken' }, userSchema, reader)).rejects.toBeInstanceOf(
      ScmError,
    );
  });

  it('throws the reader’s error, naming the first mismatch, for a 2xx of the wrong shape', async () => {
    await expect(requestOrRefusal(http, { path: '/bad-shape' }, userSchema, reader)).rejects.toThrow(
      '/bad-shape at id',
    );
  });
});
