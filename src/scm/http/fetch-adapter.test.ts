import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTwinServer, TwinRouter, type TwinServer } from '../../../test/twins/server/twin-server.js';
import { ScmError } from '../errors.js';
import { parseAllowlist } from './allowlist.js';
import { createScmHttp, createScmHttpShared, type ScmHttp, type ScmHttpShared } from './client.js';
import { startCanary, type Canary } from './testing/canary.js';

let twin: TwinServer;
let canary: Canary;
let shared: ScmHttpShared;
const clients: ScmHttp[] = [];

function client(sleep: (ms: number) => Promise<void> = async () => undefined) {
  const http = createScmHttp({
    baseUrl: new URL(twin.url),
    policy: { allowlist: parseAllowlist(`127.0.0.1:${twin.port}`), accountId: 'org-a' },
    shared,
    allowHttp: true,
    sleep,
  });
  clients.push(http);
  return http;
}

const causeOf = async (promise: Promise<unknown>): Promise<ScmError> => {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const cause = error instanceof ScmError ? error : (error as { cause?: unknown } | undefined)?.cause;
  if (!(cause instanceof ScmError)) throw new Error(`expected an ScmError cause, got ${String(error)}`);
  return cause;
};

beforeAll(async () => {
  canary = await startCanary({ hosts: ['127.0.0.1'] });
  const router = new TwinRouter()
    .get('/repos/:owner/:repo', (request) => ({
      body: {
        full_name: `${request.params.owner}/${request.params.repo}`,
        ua: request.headers['user-agent'],
      },
    }))
    .post('/repos/:owner/:repo/issues', (request) => ({ status: 201, body: { echoed: request.json() } }))
    .get('/moved', () => ({ status: 301, headers: { location: `http://127.0.0.1:${canary.port}/` } }))
    .get('/empty', () => ({ status: 204 }))
    .get('/user/installations', () => ({ body: { total_count: 1, installations: [{ id: 7 }] } }));
  twin = await startTwinServer(router);
});
afterAll(async () => {
  await twin.close();
  await canary.close();
});
beforeEach(() => {
  shared = createScmHttpShared();
  twin.faults.clear();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((http) => http.close()));
  expect(canary.connections()).toBe(0);
});

describe('fetch for Octokit', () => {
  it('serves Octokit requests through the guard', async () => {
    const octokit = new Octokit({ baseUrl: twin.url, request: { fetch: client().fetch } });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'api' });
    expect(data).toMatchObject({ full_name: 'acme/api' });
    const created = await octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'api',
      title: 'x',
    });
    expect(created.status).toBe(201);
    expect(created.data).toEqual({ echoed: { title: 'x' } });
  });

  it('answers with the address it asked, as fetch does, so that Octokit can page `total_count` listings', async () => {
    const answer = await client().fetch(`${twin.url}/empty`);
    expect(answer.url).toBe(`${twin.url}/empty`);
    const octokit = new (Octokit.plugin(paginateRest))({
      baseUrl: twin.url,
      request: { fetch: client().fetch },
    });
    expect(await octokit.paginate('GET /user/installations', { per_page: 100 })).toEqual([{ id: 7 }]);
  });

  it('blocks a metadata base URL before connecting', async () => {
    const octokit = new Octokit({ baseUrl: 'http://169.254.169.254', request: { fetch: client().fetch } });
    expect((await causeOf(octokit.request('GET /'))).code).toBe('ssrf_blocked');
  });

  it('blocks a private address that is not allowlisted', async () => {
    const fetch = client().fetch;
    expect((await causeOf(fetch(`http://127.0.0.1:${canary.port}/`))).code).toBe('ssrf_blocked');
  });

  it('refuses redirects', async () => {
    const fetch = client().fetch;
    const error = await causeOf(fetch(`${twin.url}/moved`));
    expect([error.code, error.status]).toEqual(['redirect_blocked', 301]);
  });

  it('refuses non-http schemes and userinfo', async () => {
    const fetch = client().fetch;
    expect((await causeOf(fetch('file:///etc/passwd'))).code).toBe('scheme_not_allowed');
    expect((await causeOf(fetch(`http://u:p@127.0.0.1:${twin.port}/empty`))).code).toBe('invalid_base_url');
  });

  it('accepts a Request object and answers without a body for 204', async () => {
    const response = await client().fetch(new Request(`${twin.url}/empty`));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('hands a 429 back to the SDK and starts the shared pause for the host', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 30 });
    const pauses: number[] = [];
    const sleep = (ms: number) => {
      pauses.push(ms);
      return new Promise<void>(() => undefined);
    };
    const response = await client(sleep).fetch(`${twin.url}/repos/acme/api`);
    expect(response.status).toBe(429);
    expect(pauses).toHaveLength(1);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(shared.pausedUntil(new URL(twin.url).host)?.getTime()).toBeGreaterThan(Date.now() + 25_000);
  });
});
