import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubTwin, type GitHubTwin } from './index.js';
import { signAppJwt, testPrivateKey } from './test-keys.js';
import { testGitHubScenario } from './test-scenario.js';

const pem = testPrivateKey();
const otherPem = testPrivateKey();

describe('GitHub twin: authentication, permissions, pagination', () => {
  let twin: GitHubTwin;
  beforeAll(async () => {
    const scenario = testGitHubScenario(pem);
    const [acme, ...others] = scenario.orgs;
    twin = await startGitHubTwin(
      { ...scenario, orgs: [{ ...acme!, generatedRepos: { count: 10_000, prefix: 'bulk' } }, ...others] },
      { flavor: 'enterprise', version: '3.17.4' },
    );
  });
  afterAll(() => twin.close());

  const call = async (path: string, auth?: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${twin.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  };

  it('serves the API only under /api/v3 on enterprise, with the version header', async () => {
    const jwt = signAppJwt(pem, { iss: 3001 });
    const ok = await call('/app', jwt);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-github-enterprise-version')).toBe('3.17.4');
    const meta = await call('/meta');
    expect(meta.body.installed_version).toBe('3.17.4');
    const root = await fetch(`${twin.url}/app`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(root.status).toBe(404);
  });

  it.each([
    ['no credentials', () => undefined, 'A JSON web token could not be decoded'],
    [
      'a key that is not the app key',
      () => signAppJwt(otherPem, { iss: 3001 }),
      'A JSON web token could not be decoded',
    ],
    ['an unknown issuer', () => signAppJwt(pem, { iss: 999 }), "'Issuer' claim"],
    [
      'a lifetime over 10 minutes',
      () => signAppJwt(pem, { iss: 3001, iat: now() - 30, exp: now() + 600 }),
      "'Expiration time' claim ('exp') is too far in the future",
    ],
    [
      'an expired token',
      () => signAppJwt(pem, { iss: 3001, iat: now() - 700, exp: now() - 100 }),
      "'Expiration time' claim ('exp') must be a numeric value",
    ],
    [
      'iat in the future',
      () => signAppJwt(pem, { iss: 3001, iat: now() + 300, exp: now() + 600 }),
      "'Issued at' claim ('iat')",
    ],
    [
      'another algorithm',
      () => signAppJwt(pem, { iss: 3001 }, 'HS256'),
      'A JSON web token could not be decoded',
    ],
    [
      'an installation token',
      () => twin.createInstallationToken(4001),
      'A JSON web token could not be decoded',
    ],
  ])('refuses a JWT with %s (401)', async (_name, jwt, message) => {
    const answer = await call('/app', jwt());
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ status: '401', documentation_url: expect.any(String) });
    expect(String(answer.body.message)).toContain(message);
  });

  it('accepts the client id as issuer', async () => {
    expect((await call('/app', signAppJwt(pem, { iss: 'Iv23liAcmeScanner01' }))).status).toBe(200);
  });

  it('accepts only the numeric app id as issuer on GHES before 3.14', async () => {
    const old = await startGitHubTwin(testGitHubScenario(pem), { flavor: 'enterprise', version: '3.13.2' });
    try {
      const byClientId = await fetch(`${old.apiUrl}/app`, {
        headers: { authorization: `Bearer ${signAppJwt(pem, { iss: 'Iv23liAcmeScanner01' })}` },
      });
      expect(byClientId.status).toBe(401);
      const byId = await fetch(`${old.apiUrl}/app`, {
        headers: { authorization: `Bearer ${signAppJwt(pem, { iss: 3001 })}` },
      });
      expect(byId.status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it('expires installation tokens after one hour with "Bad credentials"', async () => {
    const jwt = signAppJwt(pem, { iss: 3001 });
    const minted = await call('/app/installations/4001/access_tokens', jwt, { method: 'POST' });
    expect(minted.status).toBe(201);
    const expiresAt = Date.parse(String(minted.body.expires_at));
    expect(expiresAt - Date.now()).toBeGreaterThan(3_590_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    const token = String(minted.body.token);
    expect(token).toMatch(/^ghs_/);
    expect((await call('/installation/repositories?per_page=1', token)).status).toBe(200);
    twin.advanceTime(3_600_001);
    try {
      const expired = await call('/installation/repositories?per_page=1', token);
      expect(expired).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    } finally {
      twin.advanceTime(-3_600_001);
    }
  });

  it('narrows tokens to repositories and permissions, and refuses wider ones', async () => {
    const jwt = signAppJwt(pem, { iss: 3001 });
    const narrowed = await call('/app/installations/4001/access_tokens', jwt, {
      method: 'POST',
      body: { repositories: ['web-shop'], permissions: { contents: 'write', pull_requests: 'read' } },
    });
    expect(narrowed.body).toMatchObject({
      repository_selection: 'selected',
      permissions: { contents: 'write', pull_requests: 'read' },
    });
    const token = String(narrowed.body.token);
    expect((await call('/repos/acme/payments', token)).status).toBe(404);
    const comment = await call('/repos/acme/web-shop/pulls/1/comments', token, {
      method: 'POST',
      body: { body: 'x', path: 'src/app.js', line: 2 },
    });
    expect(comment.status).toBe(403);
    expect(comment.headers.get('x-accepted-github-permissions')).toBe('pull_requests=write');
    const workflow = await call('/repos/acme/web-shop/contents/.github/workflows/scan.yml', token, {
      method: 'PUT',
      body: { message: 'ci', content: Buffer.from('on: push').toString('base64') },
    });
    // The contents API hides a workflow file from a token without `workflows`, as GitHub does: 404 Not Found.
    expect(workflow.status).toBe(404);
    expect(workflow.body.message).toBe('Not Found');
    const wider = await call('/app/installations/4002/access_tokens', signAppJwt(pem, { iss: 3002 }), {
      method: 'POST',
      body: { permissions: { contents: 'write' } },
    });
    expect(wider.status).toBe(422);
    const foreign = await call('/app/installations/4002/access_tokens', signAppJwt(pem, { iss: 3002 }), {
      method: 'POST',
      body: { repositories: ['payments'] },
    });
    expect(foreign.status).toBe(422);
  });

  it('refuses writes to archived repositories and unknown resources', async () => {
    const token = twin.createInstallationToken(4001);
    const archived = await call('/repos/acme/legacy-cms/git/refs', token, {
      method: 'POST',
      body: { ref: 'refs/heads/x', sha: 'abc' },
    });
    expect(archived).toMatchObject({
      status: 403,
      body: { message: 'Repository was archived so is read-only.' },
    });
    expect((await call('/repos/acme/web-shop/pulls/999', token)).status).toBe(404);
    expect((await call('/orgs/acme-labs/members', token)).status).toBe(404);
    expect((await call('/repos/acme/web-shop/git/ref/heads/nope', token)).status).toBe(404);
    const badRef = await call('/repos/acme/web-shop/git/refs', token, {
      method: 'POST',
      body: { ref: 'main', sha: 'abc' },
    });
    expect(badRef.status).toBe(422);
    const unauthenticated = await call('/repos/acme/web-shop/issues/1/comments', undefined, {
      method: 'POST',
      body: { body: 'x' },
    });
    expect(unauthenticated).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    const privateRepo = await call('/repos/acme/payments');
    expect(privateRepo.status).toBe(404);
  });

  it('updates a file only with its current blob sha', async () => {
    const token = twin.createInstallationToken(4001);
    const path = '/repos/acme/web-shop/contents/README.md';
    const current = await call(path, token);
    const content = Buffer.from('# changed\n').toString('base64');
    expect((await call(path, token, { method: 'PUT', body: { message: 'm', content } })).status).toBe(422);
    expect(
      (await call(path, token, { method: 'PUT', body: { message: 'm', content, sha: 'f'.repeat(40) } }))
        .status,
    ).toBe(409);
    const updated = await call(path, token, {
      method: 'PUT',
      body: { message: 'm', content, sha: current.body.sha },
    });
    expect(updated.status).toBe(200);
    const read = await call(path, token);
    expect(Buffer.from(String(read.body.content), 'base64').toString()).toBe('# changed\n');
  });

  it('paginates 10,003 repositories with Link headers and caps per_page at 100', async () => {
    const token = twin.createInstallationToken(4001);
    const first = await call('/installation/repositories?per_page=500', token);
    expect(first.body.total_count).toBe(10_003);
    expect((first.body.repositories as unknown[]).length).toBe(100);
    const link = first.headers.get('link')!;
    expect(link).toContain('rel="next"');
    expect(link).toMatch(/page=101>; rel="last"/);
    const last = await call('/installation/repositories?per_page=100&page=101', token);
    expect((last.body.repositories as unknown[]).length).toBe(3);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(last.headers.get('link')).toContain('rel="first"');
    const orgPage = await call('/orgs/acme/repos', token);
    expect((orgPage.body as unknown as unknown[]).length).toBe(30);
  });

  it('counts every answer in the x-ratelimit headers', async () => {
    const token = twin.createInstallationToken(4002);
    const a = await call('/installation/repositories', token);
    const b = await call('/installation/repositories', token);
    expect(Number(a.headers.get('x-ratelimit-used')) + 1).toBe(Number(b.headers.get('x-ratelimit-used')));
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(
      5000 - Number(b.headers.get('x-ratelimit-used')),
    );
    expect(b.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(b.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers injected faults through the twin-server base', async () => {
    const token = twin.createInstallationToken(4001);
    twin.faults.next({ kind: 'status', status: 502 }, 1, '/api/v3/repos');
    expect((await call('/repos/acme/web-shop', token)).status).toBe(502);
    expect((await call('/repos/acme/web-shop', token)).status).toBe(200);
  });
});

const now = () => Math.floor(Date.now() / 1000);
