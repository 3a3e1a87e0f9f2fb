import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startTwinServer,
  TwinRouter,
  type TwinResponse,
  type TwinServer,
} from '../../../test/twins/server/twin-server.js';
import { testPrivateKey } from '../../../test/twins/github/test-keys.js';
import { ScmError } from '../errors.js';
import { createScmHttp, createScmHttpShared, parseAllowlist, type ScmHttp } from '../http/index.js';
import { convertManifestCode, manifestCodePattern } from './manifest-conversion.js';

const pem = testPrivateKey();

/** GitHub's 201 answer (an `integration` plus the four secrets), with `changes` applied. */
const converted = (changes: Record<string, unknown> = {}) => ({
  id: 9001,
  slug: 'scm-connect-acme',
  node_id: 'A_kwDOAAAB',
  owner: { login: 'acme-corp', id: 5001, type: 'Organization' },
  name: 'scm-connect acme',
  description: null,
  external_url: 'https://scm.example.com',
  html_url: 'https://github.com/apps/scm-connect-acme',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  permissions: { contents: 'write', metadata: 'read' },
  events: ['push', 'pull_request'],
  installations_count: 0,
  client_id: 'Iv23liAbCdEf0123',
  client_secret: 'client-secret-value-123',
  webhook_secret: 'webhook-secret-value-456',
  pem,
  ...changes,
});

const code = 'a180b1a3d263c81bc6441d7b990bae27d4c10679';

describe('convertManifestCode', () => {
  /** What the fake GitHub answers next, once; a conversion it does not expect fails the test. */
  const expected: TwinResponse[] = [];
  const unexpected: string[] = [];
  let twin: TwinServer;
  let http: ScmHttp;

  beforeAll(async () => {
    const router = new TwinRouter().post('/app-manifests/:code/conversions', (request) => {
      const next = expected.shift();
      if (!next || request.params.code !== code || request.headers.authorization !== undefined) {
        unexpected.push(request.path);
        return { status: 599, body: { message: 'unexpected request' } };
      }
      return next;
    });
    twin = await startTwinServer(router);
    http = createScmHttp({
      baseUrl: new URL(twin.url),
      policy: { allowlist: parseAllowlist('127.0.0.1'), accountId: '' },
      shared: createScmHttpShared(),
      allowHttp: true,
      retry: { attempts: 1 },
    });
  });
  afterEach(() => {
    expect(unexpected).toEqual([]);
    expect(expected).toEqual([]);
    twin.log.length = 0;
  });
  afterAll(async () => {
    await http.close();
    await twin.close();
  });

  it('reads the app, its secrets and GitHub’s integer id, allowing fields it does not know', async () => {
    expected.push({ status: 201, body: converted({ a_future_field: { nested: true } }) });
    expect(await convertManifestCode(http, code)).toEqual({
      appId: '9001',
      slug: 'scm-connect-acme',
      name: 'scm-connect acme',
      owner: 'acme-corp',
      htmlUrl: 'https://github.com/apps/scm-connect-acme',
      clientId: 'Iv23liAbCdEf0123',
      permissions: { contents: 'write', metadata: 'read' },
      events: ['push', 'pull_request'],
      privateKey: pem,
      webhookSecret: 'webhook-secret-value-456',
      clientSecret: 'client-secret-value-123',
    });
    expect(twin.log[0]).toMatchObject({ method: 'POST', path: `/app-manifests/${code}/conversions` });
  });

  it.each([
    ['an id sent as a string', { id: '9002' }, '9002'],
    ['an enterprise owner (slug, no login)', { owner: { slug: 'acme-ent', id: 1 } }, '9001'],
  ])('takes %s', async (_what, changes, appId) => {
    expected.push({ status: 201, body: converted(changes) });
    expect((await convertManifestCode(http, code)).appId).toBe(appId);
  });

  it('keeps an id beyond 2^53 exact when GitHub sends it as a string, and refuses it as a rounded number', async () => {
    expected.push({ status: 201, body: converted({ id: '9007199254740993' }) });
    expect((await convertManifestCode(http, code)).appId).toBe('9007199254740993');
    const body = JSON.stringify(converted()).replace('"id":9001', '"id":9007199254740993');
    expected.push({ status: 201, headers: { 'content-type': 'application/json' }, body });
    await expect(convertManifestCode(http, code)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'upstream_invalid_response',
    });
  });

  it.each([
    ['404 (unknown or used code)', 404, { message: 'Not Found' }],
    ['422 (expired code)', 422, { message: 'Validation Failed' }],
  ])('maps %s to invalid_manifest_code: start again', async (_what, status, body) => {
    expected.push({ status, body });
    const error = await convertManifestCode(http, code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScmError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_manifest_code' });
    expect((error as ScmError).fix).toMatch(/Start Create the GitHub App again/);
  });

  it.each([
    ['without a webhook secret', { webhook_secret: null }],
    ['with a private key that is not PEM', { pem: 'not a key' }],
    ['without a client secret', { client_secret: undefined }],
    ['with a slug that is not one', { slug: '../etc' }],
    ['with a negative id', { id: -1 }],
  ])('refuses an app %s, naming no secret', async (_what, changes) => {
    expected.push({ status: 201, body: converted(changes) });
    const error = await convertManifestCode(http, code).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid', code: 'upstream_invalid_response' });
    const text = JSON.stringify({ message: (error as ScmError).message, fix: (error as ScmError).fix });
    expect(text).not.toContain('client-secret-value-123');
    expect(text).not.toContain('webhook-secret-value-456');
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('keeps the code out of the message of a failed call', async () => {
    expected.push({ status: 503, body: { message: 'unavailable' } });
    const error = await convertManifestCode(http, code).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable' });
    expect((error as ScmError).message).not.toContain(code);
    expect((error as ScmError).cause).toBeUndefined();
  });

  it.each(['', 'short', 'a/../b0000000', 'abc?x=1abcdefg', '%2e%2e%2fapp00', 'a'.repeat(101)])(
    'checks the code %j by pattern before any request',
    async (bad) => {
      expect(manifestCodePattern.test(bad)).toBe(false);
      await expect(convertManifestCode(http, bad)).rejects.toMatchObject({ code: 'invalid_manifest_code' });
      expect(twin.log).toHaveLength(0);
    },
  );

  it('goes through the address guard: a loopback GitHub that is not allowlisted is never reached', async () => {
    const guarded = createScmHttp({
      baseUrl: new URL(twin.url),
      policy: { allowlist: [], accountId: '' },
      shared: createScmHttpShared(),
      allowHttp: true,
      retry: { attempts: 1 },
    });
    try {
      await expect(convertManifestCode(guarded, code)).rejects.toMatchObject({ kind: 'blocked-address' });
      expect(twin.log).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });
});
