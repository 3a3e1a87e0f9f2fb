import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCaPem } from '../server/twin-server.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from './index.js';

const nextLink = (link: string | null) => /<([^>]+)>; rel="next"/.exec(link ?? '')?.[1];

describe('GitLab twin over plain HTTP', () => {
  let twin: GitLabTwin;
  const get = (path: string, token = 'glpat-demo-alice-api', init: RequestInit = {}) =>
    fetch(path.startsWith('http') ? path : `${twin.apiUrl}${path}`, {
      ...init,
      headers: { 'private-token': token, ...init.headers },
    });

  beforeAll(async () => {
    const demo = demoGitLabScenario();
    twin = await startGitLabTwin({
      ...demo,
      tokens: [
        ...demo.tokens,
        { value: 'glpat-budget', user: 'alice', scopes: ['api'], requestsPerMinute: 2 },
        { value: 'glpat-today', user: 'alice', scopes: ['api'], expiresAt: '2030-06-01' },
      ],
      groups: [
        ...demo.groups,
        {
          id: 400,
          path: 'ten-k',
          members: [{ user: 'alice', accessLevel: 30 }],
          generatedProjects: { count: 10_000 },
        },
        {
          id: 401,
          path: 'over',
          members: [{ user: 'alice', accessLevel: 30 }],
          generatedProjects: { count: 10_001 },
        },
      ],
      today: '2030-06-01',
    });
  });
  afterAll(() => twin.close());

  it('pages 10,000 projects at per_page 100 in exactly 100 requests', async () => {
    let url: string | undefined = `${twin.apiUrl}/groups/ten-k/projects?include_subgroups=true&per_page=100`;
    const seen = new Set<number>();
    const before = twin.count('/api/v4/groups/ten-k/projects');
    let first: Response | undefined;
    while (url) {
      const response = await get(url);
      first ??= response;
      const page = (await response.json()) as { id: number }[];
      for (const project of page) seen.add(project.id);
      url = nextLink(response.headers.get('link'));
    }
    expect(seen.size).toBe(10_000);
    expect(twin.count('/api/v4/groups/ten-k/projects') - before).toBe(100);
    expect(first!.headers.get('x-total')).toBe('10000');
    expect(first!.headers.get('x-total-pages')).toBe('100');
    expect(first!.headers.get('x-next-page')).toBe('2');
    expect(first!.headers.get('link')).toContain('rel="last"');
  });

  it('leaves out the totals and the last link above 10,000 records', async () => {
    const response = await get('/groups/over/projects?per_page=100&page=101');
    expect(await response.json()).toHaveLength(1);
    expect(response.headers.get('x-total')).toBeNull();
    expect(response.headers.get('x-total-pages')).toBeNull();
    expect(response.headers.get('x-next-page')).toBe('');
    expect(response.headers.get('x-prev-page')).toBe('100');
    expect(response.headers.get('link')).not.toContain('rel="last"');
  });

  it('caps per_page at 100', async () => {
    const response = await get('/groups/ten-k/projects?per_page=500');
    expect(response.headers.get('x-per-page')).toBe('100');
    expect(await response.json()).toHaveLength(100);
  });

  it('keyset pagination sends only a next link, with id_after', async () => {
    const response = await get('/groups/ten-k/projects?pagination=keyset&order_by=id&sort=asc&per_page=100');
    const link = response.headers.get('link')!;
    expect(link).toMatch(/id_after=\d+/);
    expect(link).not.toMatch(/rel="(first|last|prev)"/);
    expect(response.headers.get('x-total')).toBeNull();
    const unsupported = await get('/groups/ten-k/projects?pagination=keyset&order_by=name');
    expect(unsupported.status).toBe(405);
    expect(await unsupported.json()).toEqual({
      error: 'Keyset pagination is not yet available for this type of request',
    });
  });

  it('offers keyset pagination for projects only', async () => {
    const members = await get('/groups/ten-k/members/all?pagination=keyset&order_by=id&sort=asc');
    expect(members.status).toBe(405);
    expect(await members.json()).toEqual({
      error: 'Keyset pagination is not yet available for this type of request',
    });
    expect((await get('/groups/ten-k/members/all?order_by=id&sort=asc')).status).toBe(200);
  });

  it('shows a group with its own projects unless with_projects=false', async () => {
    const detail = (await (await get('/groups/acme')).json()) as { projects?: { path: string }[] };
    expect(detail.projects?.map((p) => p.path)).toContain('website');
    const bare = (await (await get('/groups/acme?with_projects=false')).json()) as Record<string, unknown>;
    expect(bare).not.toHaveProperty('projects');
  });

  it('shows is_admin only to an administrator', async () => {
    expect(await (await get('/user')).json()).not.toHaveProperty('is_admin');
  });

  it('answers unknown, revoked and expired tokens with 401 and their bodies', async () => {
    const unknown = await get('/user', 'glpat-nope');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ message: '401 Unauthorized' });
    const revoked = await get('/user', 'glpat-demo-revoked');
    expect(await revoked.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token was revoked. You have to re-authorize from the user.',
    });
    const expired = await get('/personal_access_tokens/self', 'glpat-demo-expired');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token is expired. You can either do re-authorization or token refresh.',
    });
    const lastDay = await get('/user', 'glpat-today');
    expect(lastDay.status).toBe(401);
  });

  it('accepts the token as a Bearer header too', async () => {
    const response = await fetch(`${twin.apiUrl}/user`, {
      headers: { authorization: 'Bearer glpat-demo-bob-api' },
    });
    expect(((await response.json()) as { username: string }).username).toBe('bob');
  });

  it('answers 403 insufficient_scope for reads with read_user and writes with read_api', async () => {
    const read = await get('/groups/acme', 'glpat-demo-alice-readuser');
    expect(read.status).toBe(403);
    expect(await read.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api read_api',
    });
    expect((await get('/user', 'glpat-demo-alice-readuser')).status).toBe(200);
    const write = await get('/projects/acme%2Fwebsite/merge_requests/1/notes', 'glpat-demo-alice-readapi', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hi' }),
    });
    expect(write.status).toBe(403);
    expect(((await write.json()) as { scope: string }).scope).toBe('api');
  });

  it('hides groups and projects the user cannot see behind 404', async () => {
    const group = await get('/groups/other-corp');
    expect(group.status).toBe(404);
    expect(await group.json()).toEqual({ message: '404 Group Not Found' });
    const project = await get('/projects/2000');
    expect(await project.json()).toEqual({ message: '404 Project Not Found' });
    expect((await get('/groups/other-corp', 'glpat-demo-dave-api')).status).toBe(200);
    expect((await get('/groups/no-such-group')).status).toBe(404);
  });

  it('shows a subgroup member the parent group but only the parent projects they belong to', async () => {
    expect((await get('/groups/acme', 'glpat-demo-bob-api')).status).toBe(200);
    const projects = (await (await get('/groups/acme/projects', 'glpat-demo-bob-api')).json()) as {
      path: string;
    }[];
    expect(projects.map((p) => p.path)).toEqual(['website']);
  });

  it('throttles a token past its per-minute budget with GitLab headers', async () => {
    expect((await get('/user', 'glpat-budget')).headers.get('ratelimit-remaining')).toBe('1');
    expect((await get('/user', 'glpat-budget')).status).toBe(200);
    const limited = await get('/user', 'glpat-budget');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe('2');
    expect(limited.headers.get('ratelimit-name')).toBe('throttle_authenticated_api');
    expect(await limited.text()).toBe('Retry later\n');
  });

  it('injects faults from the base server', async () => {
    twin.faults.next({ kind: 'status', status: 502 }, 1, '/api/v4/version');
    expect((await get('/version')).status).toBe(502);
    const version = (await (await get('/version')).json()) as { version: string };
    expect(version.version).toBe(twin.version);
  });

  it('hides /personal_access_tokens/self on versions before 15.5', async () => {
    const old = await startGitLabTwin(demoGitLabScenario(), { version: '15.4.2' });
    try {
      const response = await fetch(`${old.apiUrl}/personal_access_tokens/self`, {
        headers: { 'private-token': 'glpat-demo-alice-api' },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: '404 Not Found' });
    } finally {
      await old.close();
    }
  });

  it('rotates a token: the old one stops working', async () => {
    twin.addToken({ value: 'glpat-rotate-me', user: 'bob', scopes: ['api'] });
    const response = await get('/personal_access_tokens/self/rotate', 'glpat-rotate-me', { method: 'POST' });
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as { token: string; expires_at: string };
    expect(rotated.expires_at).toBe('2030-06-08');
    expect((await get('/user', 'glpat-rotate-me')).status).toBe(401);
    expect((await get('/user', rotated.token)).status).toBe(200);
  });

  it('delivers group hook events with the secret token header', async () => {
    const receiver = await startGitLabTwin({ users: [], tokens: [], groups: [] });
    try {
      const hooksUrl = `${twin.apiUrl}/groups/acme/hooks`;
      await get(hooksUrl, 'glpat-demo-alice-api', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `${receiver.url}/receive`,
          token: 'hook-secret',
          merge_requests_events: true,
        }),
      });
      const deliveries = await twin.deliverHook('acme/backend', 'Merge Request Hook', {
        object_kind: 'merge_request',
      });
      expect(deliveries.map((d) => d.url)).toEqual([`${receiver.url}/receive`]);
      const received = receiver.log.at(-1)!;
      expect(received.headers['x-gitlab-token']).toBe('hook-secret');
      expect(received.headers['x-gitlab-event']).toBe('Merge Request Hook');
    } finally {
      await receiver.close();
    }
  });

  it('serves HTTPS with the test CA', async () => {
    const secure = await startGitLabTwin(demoGitLabScenario(), { tls: true });
    try {
      expect(secure.apiUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/v4$/);
      const dispatcher = new Agent({ connect: { ca: testCaPem() } });
      const response = await undiciFetch(`${secure.apiUrl}/user`, {
        headers: { 'private-token': 'glpat-demo-alice-api' },
        dispatcher,
      });
      expect(response.status).toBe(200);
      await dispatcher.close();
    } finally {
      await secure.close();
    }
  });
});
