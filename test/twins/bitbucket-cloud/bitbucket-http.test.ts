import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBitbucketCloudScenario, startBitbucketCloudTwin, type BitbucketCloudTwin } from './index.js';

interface Page {
  size: number;
  pagelen: number;
  next?: string;
  values: { slug: string }[];
}

describe('Bitbucket Cloud twin over plain HTTP', () => {
  let twin: BitbucketCloudTwin;
  const get = (path: string, token = 'bbwat-demo-full', init: RequestInit = {}) =>
    fetch(path.startsWith('http') ? path : `${twin.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });

  beforeAll(async () => {
    const demo = demoBitbucketCloudScenario();
    twin = await startBitbucketCloudTwin({
      ...demo,
      workspaces: [...demo.workspaces, { slug: 'huge', generatedRepositories: { count: 10_000 } }],
      accessTokens: [
        ...demo.accessTokens,
        { value: 'bbwat-huge', kind: 'workspace', workspace: 'huge', scopes: ['repository'] },
        {
          value: 'bbwat-budget',
          kind: 'workspace',
          workspace: 'acme',
          scopes: ['repository'],
          requestsPerHour: 2,
        },
      ],
    });
  });
  afterAll(() => twin.close());

  it('pages 10,000 repositories at pagelen 100 in exactly 100 requests', async () => {
    let url: string | undefined = `${twin.apiUrl}/repositories/huge?pagelen=100`;
    const slugs = new Set<string>();
    const before = twin.count('/2.0/repositories/huge');
    while (url) {
      const body = (await (await get(url, 'bbwat-huge')).json()) as Page;
      for (const repo of body.values) slugs.add(repo.slug);
      expect(body.size).toBe(10_000);
      url = body.next;
      if (url) expect(new URL(url).origin).toBe(twin.url);
    }
    expect(slugs.size).toBe(10_000);
    expect(twin.count('/2.0/repositories/huge') - before).toBe(100);
  });

  it('defaults pagelen to 10 and caps it at 100', async () => {
    expect(((await (await get('/repositories/huge', 'bbwat-huge')).json()) as Page).pagelen).toBe(10);
    const capped = (await (await get('/repositories/huge?pagelen=1000', 'bbwat-huge')).json()) as Page;
    expect(capped.pagelen).toBe(100);
    expect(capped.values).toHaveLength(100);
  });

  it('answers a bad, expired or missing token with 401 and the error envelope', async () => {
    for (const token of ['bbwat-nope', 'bbwat-demo-expired']) {
      const response = await get('/workspaces/acme', token);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        type: 'error',
        error: { message: 'Token is invalid, expired, or not supported for this endpoint.' },
      });
    }
    expect((await fetch(`${twin.apiUrl}/workspaces/acme`)).status).toBe(401);
  });

  it('answers an unknown workspace or one the token does not belong to with 404', async () => {
    const unknown = await get('/repositories/nowhere');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { type: string }).type).toBe('error');
    expect((await get('/workspaces/other')).status).toBe(404);
  });

  it('throttles an access token on /repositories with the scaled-limit headers', async () => {
    const first = await get('/repositories/acme', 'bbwat-budget');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect((await get('/repositories/acme', 'bbwat-budget')).status).toBe(200);
    const limited = await get('/repositories/acme', 'bbwat-budget');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      type: 'error',
      error: { message: 'Rate limit for this resource has been exceeded' },
    });
    expect((await get('/workspaces/acme', 'bbwat-budget')).status).toBe(200);
  });

  it('injects a 429 from the base server', async () => {
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 7 }, 1, '/2.0/repositories');
    const response = await get('/repositories/acme');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
  });

  it('commits form-encoded files and refuses a stale parent with 409', async () => {
    const tip = twin.repository('acme', 'website').branches.get('main')!.hash;
    const form = new URLSearchParams({ message: 'CI', branch: 'main', parents: tip, '/ci.yml': 'a: 1\n' });
    const ok = await get('/repositories/acme/website/src', 'bbwat-demo-full', { method: 'POST', body: form });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('location')).toMatch(/\/commit\/[0-9a-f]{40}$/);
    const stale = await get('/repositories/acme/website/src', 'bbwat-demo-full', {
      method: 'POST',
      body: form,
    });
    expect(stale.status).toBe(409);
    const multipart = new FormData();
    multipart.set('message', 'More');
    multipart.set('branch', 'main');
    multipart.set('docs/a.md', new Blob(['# A\n']), 'a.md');
    expect(
      (await get('/repositories/acme/website/src', 'bbwat-demo-full', { method: 'POST', body: multipart }))
        .status,
    ).toBe(201);
    const raw = await get('/repositories/acme/website/src/main/docs/a.md');
    expect(await raw.text()).toBe('# A\n');
  });

  it('delivers webhook events signed with the hook secret', async () => {
    const receiver = await startBitbucketCloudTwin({ users: [], workspaces: [], accessTokens: [] });
    try {
      await get('/repositories/acme/website/hooks', 'bbwat-demo-full', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${receiver.url}/hook`, events: ['pullrequest:created'], secret: 'k' }),
      });
      const payload = { pullrequest: { id: 1 } };
      const deliveries = await twin.deliverHook('acme', 'website', 'pullrequest:created', payload);
      expect(deliveries).toHaveLength(1);
      const received = receiver.log.at(-1)!;
      expect(received.headers['x-event-key']).toBe('pullrequest:created');
      const expected = createHmac('sha256', 'k').update(JSON.stringify(payload)).digest('hex');
      expect(received.headers['x-hub-signature']).toBe(`sha256=${expected}`);
    } finally {
      await receiver.close();
    }
  });
});
