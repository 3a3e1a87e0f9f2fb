import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitbucketDataCenterProvider } from '../../src/scm/bitbucket-data-center/index.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { isScmError, type ScmError } from '../../src/scm/errors.js';
import { collect } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { testCaPem } from '../twins/server/twin-server.js';
import {
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterScenario,
  type BitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';

const api = '/bitbucket/rest/api/1.0';

const scenario: BitbucketDataCenterScenario = {
  version: '9.4.2',
  contextPath: '/bitbucket',
  users: [
    { name: 'alice', displayName: 'Alice Admin' },
    { name: 'bob', displayName: 'Bob Builder' },
    { name: 'dave', displayName: 'Dave Departed', active: false },
  ],
  tokens: [
    {
      value: 'core-admin',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_ADMIN', 'REPO_ADMIN'],
    },
    {
      value: 'core-read',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
    {
      value: 'core-expired',
      scope: { type: 'project', projectKey: 'CORE' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
      expiresAt: '2020-01-01T00:00:00Z',
    },
    {
      value: 'other-read',
      scope: { type: 'project', projectKey: 'OTHER' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
    {
      value: 'big-read',
      scope: { type: 'project', projectKey: 'BIG' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
    {
      value: 'mid-read',
      scope: { type: 'project', projectKey: 'MID' },
      permissions: ['PROJECT_READ', 'REPO_READ'],
    },
  ],
  projects: [
    {
      key: 'CORE',
      id: 77,
      name: 'Core',
      members: [
        { user: 'alice', permission: 'PROJECT_ADMIN' },
        { user: 'dave', permission: 'PROJECT_WRITE' },
        { user: 'bob', permission: 'PROJECT_WRITE' },
      ],
      repositories: [
        { slug: 'web', name: 'Web' },
        { slug: 'api', defaultBranch: 'master', public: true },
        { slug: 'sandbox', defaultBranch: 'trunk', empty: true },
      ],
    },
    { key: 'OTHER', repositories: [{ slug: 'x' }] },
    { key: 'BIG', generatedRepositoryCount: 10_000 },
    { key: 'MID', generatedRepositoryCount: 2_500 },
  ],
};

let twin: BitbucketDataCenterTwin;
let tlsTwin: BitbucketDataCenterTwin;
const deps = createTestProviderDeps();

beforeAll(async () => {
  [twin, tlsTwin] = await Promise.all([
    startBitbucketDataCenterTwin(scenario),
    startBitbucketDataCenterTwin(scenario, { tls: true }),
  ]);
});
afterAll(async () => {
  await deps.close();
  await Promise.all([twin.close(), tlsTwin.close()]);
});

function provider(
  token: string,
  target = 'CORE',
  overrides: Partial<ConnectionSettings> = {},
  providerDeps = deps,
): ConnectableProvider {
  return createBitbucketDataCenterProvider(
    { kind: 'bitbucket-data-center', baseUrl: new URL(twin.baseUrl), target, token, ...overrides },
    providerDeps,
  );
}

async function rejection(promise: Promise<unknown>): Promise<ScmError> {
  try {
    await promise;
  } catch (error) {
    if (isScmError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Requests the twin received since `from` (a `twin.log` length) whose path ends with `suffix`. */
const sentSince = (from: number, suffix: string, on = twin) =>
  on.log.slice(from).filter((call) => call.path.endsWith(suffix)).length;

describe('Bitbucket Data Center provider: validate', () => {
  it('connects: identity, the project with its numeric id, the server version', async () => {
    const result = await provider('core-read').validate();
    expect(result.serverVersion).toBe('9.4.2');
    expect(result.organization).toEqual({
      externalId: '77',
      name: 'CORE',
      displayName: 'Core',
      webUrl: `${twin.baseUrl}/projects/CORE`,
    });
    expect(result.identity.login).toMatch(/token/);
    expect(result.identity.id).not.toBe('');
  });

  it('sends the token as Bearer under the context path', async () => {
    const before = twin.log.length;
    await provider('core-read').validate();
    const calls = twin.log.slice(before);
    expect(calls.every((call) => call.path.startsWith('/bitbucket/rest/api/1.0/'))).toBe(true);
    expect(calls.every((call) => call.headers.authorization === 'Bearer core-read')).toBe(true);
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['an expired token', 'core-expired'],
  ])('refuses %s as invalid_credentials with a fix', async (_what, token) => {
    const error = await rejection(provider(token).validate());
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
    expect(error.fix).toMatch(/HTTP access token/);
  });

  it('names the project when its key does not exist', async () => {
    const error = await rejection(provider('core-read', 'NOPE').validate());
    expect(error).toMatchObject({ kind: 'not-found', code: 'target_not_found' });
    expect(error.message).toContain('NOPE');
    expect(error.fix).toContain(`${twin.baseUrl}/projects`);
  });

  it('reports a token of another project as target_not_found, naming the project', async () => {
    const error = await rejection(provider('other-read', 'CORE').validate());
    expect(error).toMatchObject({ kind: 'not-found', code: 'target_not_found' });
    expect(error.message).toContain('CORE');
  });

  it('reports a token that sees the project but may not list it as insufficient_scopes', async () => {
    // Data Center's answer to a caller with PROJECT_VIEW but not PROJECT_READ, which the twin does not model.
    twin.faults.next(
      {
        kind: 'status',
        status: 401,
        body: {
          errors: [
            {
              context: null,
              message: 'You are not permitted to access this resource',
              exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
            },
          ],
        },
      },
      1,
      `${api}/projects/CORE/repos`,
    );
    const error = await rejection(provider('core-read').validate());
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('`PROJECT_VIEW`');
    expect(error.message).toContain('`PROJECT_READ`');
  });

  it('passes upstream_unreachable through for a closed port', async () => {
    const port = await closedPort();
    const error = await rejection(
      provider('core-read', 'CORE', { baseUrl: new URL(`http://127.0.0.1:${port}/bitbucket`) }).validate(),
    );
    expect(error).toMatchObject({ kind: 'unavailable', code: 'upstream_unreachable' });
  });

  it('passes ssrf_blocked through for an address that is not allowlisted', async () => {
    const strict = createTestProviderDeps({ allowlist: '192.0.2.10' });
    try {
      const error = await rejection(provider('core-read', 'CORE', {}, strict).validate());
      expect(error).toMatchObject({ kind: 'blocked-address', code: 'ssrf_blocked' });
    } finally {
      await strict.close();
    }
  });

  it('refuses a self-signed certificate without the CA and connects with it', async () => {
    const settings = { baseUrl: new URL(tlsTwin.baseUrl) };
    const error = await rejection(provider('core-read', 'CORE', settings).validate());
    expect(error).toMatchObject({ kind: 'tls', code: 'tls_verification_failed' });
    const result = await provider('core-read', 'CORE', { ...settings, caPem: testCaPem() }).validate();
    expect(result.organization.name).toBe('CORE');
  });

  it('says a URL without the context path is not Data Center', async () => {
    const error = await rejection(provider('core-read', 'CORE', { baseUrl: new URL(twin.url) }).validate());
    expect(error.code).toBe('not_bitbucket_data_center');
    expect(error.fix).toMatch(/context path/);
  });
});

describe('Bitbucket Data Center provider: identity without X-AUSERID', () => {
  const tokenUser = (token: string) => twin.state.tokens.get(token)!.user;

  it.each([
    ['X-AUSERNAME only', 'name-only'],
    ['neither header (whoami names the user)', 'none'],
  ] as const)('reads the numeric user id from /users/{slug} with %s', async (_what, userHeaders) => {
    twin.state.userHeaders = userHeaders;
    try {
      const before = twin.log.length;
      const { identity } = await provider('core-read').validate();
      const user = tokenUser('core-read');
      expect(identity).toEqual({ id: String(user.id), login: user.name });
      expect(sentSince(before, `/users/${user.name}`)).toBe(1);
    } finally {
      twin.state.userHeaders = 'id-and-name';
    }
  });

  it('takes the id from X-AUSERID when the server sends it, with no lookup', async () => {
    const before = twin.log.length;
    const { identity } = await provider('core-read').validate();
    expect(identity.id).toBe(String(tokenUser('core-read').id));
    expect(twin.log.slice(before).some((call) => call.path.includes('/users/'))).toBe(false);
  });

  it('refuses with identity_unresolved, naming the proxy headers, when the user cannot be read', async () => {
    twin.state.userHeaders = 'name-only';
    twin.faults.next(
      {
        kind: 'status',
        status: 401,
        body: {
          errors: [
            {
              context: null,
              message: 'You are not permitted to access this resource',
              exceptionName: 'com.atlassian.bitbucket.AuthorisationException',
            },
          ],
        },
      },
      1,
      `${api}/users/`,
    );
    try {
      const error = await rejection(provider('core-read').validate());
      expect(error).toMatchObject({ kind: 'invalid', code: 'identity_unresolved' });
      expect(error.fix).toContain('X-AUSERID');
    } finally {
      twin.faults.clear();
      twin.state.userHeaders = 'id-and-name';
    }
  });
});

describe('Bitbucket Data Center provider: default branches on releases before 7.5', () => {
  let older: BitbucketDataCenterTwin;
  beforeAll(async () => {
    older = await startBitbucketDataCenterTwin({ ...scenario, version: '7.4.2' });
    const core = older.state.projects.get('CORE')!;
    older.state.findRepo(core, 'api')!.defaultBranch = 'release';
  });
  afterAll(() => older.close());

  it('reads /branches/default: 204 (empty) and 404 (configured branch never pushed) are no default branch', async () => {
    const p = createBitbucketDataCenterProvider(
      {
        kind: 'bitbucket-data-center',
        baseUrl: new URL(older.baseUrl),
        target: 'CORE',
        token: 'core-read',
      },
      deps,
    );
    const [org] = await collect(p.listOrganizations());
    const before = older.log.length;
    const repos = await collect(p.listRepositories(org!));
    expect(repos.map(({ fullName, defaultBranch }) => [fullName, defaultBranch])).toEqual([
      ['CORE/web', 'main'],
      ['CORE/api', null],
      ['CORE/sandbox', null],
    ]);
    expect(sentSince(before, '/branches/default', older)).toBe(3);
    expect(sentSince(before, '/default-branch', older)).toBe(0);
    expect(older.log.length - before).toBe(1 + 3);
  });
});

describe('Bitbucket Data Center provider: testConnection', () => {
  it('reports a read token as usable, with the missing write and admin permissions as warnings', async () => {
    const report = await provider('core-read').testConnection();
    expect(report.ok).toBe(true);
    expect(report.status).toBe('warn');
    expect(report.serverVersion).toBe('9.4.2');
    expect(report.scopes).toEqual({ granted: ['PROJECT_READ'], needed: ['PROJECT_READ'], missing: [] });
    const rows = Object.fromEntries(report.capabilities.map((row) => [row.id, row]));
    expect(rows['list-repositories']!.status).toBe('ok');
    for (const id of ['read-members', 'comment-on-pull-requests', 'receive-webhooks', 'write-ci-files']) {
      expect(rows[id]!.status, id).toBe('warn');
      expect(rows[id]!.fix, id).toBeTruthy();
    }
    expect(rows['comment-on-pull-requests']!.message).toMatch(/Repository write/);
  });

  it('reports an admin token ok on every row, and its probe of write access creates no branch', async () => {
    const report = await provider('core-admin').testConnection();
    expect(report.status).toBe('ok');
    expect(report.scopes?.granted).toEqual(['PROJECT_READ', 'REPO_WRITE', 'PROJECT_ADMIN']);
    expect(report.capabilities.every((row) => row.status === 'ok')).toBe(true);
    const web = twin.state.findRepo(twin.state.projects.get('CORE')!, 'web')!;
    expect([...web.branches.keys()]).toEqual(['main']);
  });

  it('reports a bad token without throwing: reachable, token refused, capabilities not checked', async () => {
    const report = await provider('not-a-token').testConnection();
    expect(report.ok).toBe(false);
    expect(report.reachable.status).toBe('ok');
    expect(report.identity).toBeUndefined();
    expect(report.target).toMatchObject({ status: 'fail' });
    expect(report.target.fix).toMatch(/HTTP access token/);
    expect(report.capabilities.every((row) => row.status === 'skipped')).toBe(true);
  });

  it('reports an unknown project as a failed target', async () => {
    const report = await provider('core-read', 'NOPE').testConnection();
    expect(report.reachable.status).toBe('ok');
    expect(report.target.status).toBe('fail');
    expect(report.target.message).toContain('NOPE');
  });

  it('reports an unreachable instance as not reachable', async () => {
    const port = await closedPort();
    const report = await provider('core-read', 'CORE', {
      baseUrl: new URL(`http://127.0.0.1:${port}`),
    }).testConnection();
    expect(report.reachable.status).toBe('fail');
    expect(report.reachable.fix).toBeTruthy();
    expect(report.ok).toBe(false);
  });
});

describe('Bitbucket Data Center provider: listing', () => {
  it('lists 10,000 repositories in ceil(10000 / 1000) pages plus one default-branch request each', async () => {
    const p = provider('big-read', 'BIG');
    const [org] = await collect(p.listOrganizations());
    const before = twin.log.length;
    const repos = await collect(p.listRepositories(org!));
    expect(twin.log.length - before).toBe(Math.ceil(10_000 / 1000) + 10_000);
    expect(sentSince(before, '/projects/BIG/repos')).toBe(Math.ceil(10_000 / 1000));
    expect(sentSince(before, '/default-branch')).toBe(10_000);
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(10_000);
    expect(repos[0]).toMatchObject({
      fullName: 'BIG/repo-00001',
      defaultBranch: 'main',
      visibility: 'private',
      archived: false,
    });
    expect(repos[0]!.webUrl).toBe(`${twin.baseUrl}/projects/BIG/repos/repo-00001/browse`);
  });

  it('completes a 2,500-repository listing through 5xx answers and a 429 with Retry-After', async () => {
    const before = twin.log.length;
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 1 }, 1, `${api}/projects/MID/repos`);
    twin.faults.every(4, { kind: 'status', status: 503 });
    let repos;
    try {
      repos = await collect(provider('mid-read', 'MID').listRepositories({ externalId: '4', name: 'MID' }));
    } finally {
      twin.faults.clear();
    }
    expect(repos).toHaveLength(2_500);
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(2_500);
    expect(repos.every((repo) => repo.defaultBranch === 'main')).toBe(true);
    const statuses = twin.log.slice(before).map((call) => call.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
  });

  it('reads each default branch (the listing carries none), in listing order', async () => {
    const repos = await collect(provider('core-read').listRepositories({ externalId: '77', name: 'CORE' }));
    expect(repos.map(({ fullName, defaultBranch }) => [fullName, defaultBranch])).toEqual([
      ['CORE/web', 'main'],
      ['CORE/api', 'master'],
      // 7.5 and later answer the configured branch of a repository nothing was pushed to yet.
      ['CORE/sandbox', 'trunk'],
    ]);
  });

  it('lists project members once each, PROJECT_ADMIN as admin', async () => {
    const p = provider('core-admin');
    const members = await collect(p.members!.listMembers({ externalId: '77', name: 'CORE' }));
    // dave is deactivated: Data Center still lists his grant, but he cannot sign in.
    expect(members.map(({ login, role, name }) => ({ login, role, name }))).toEqual([
      { login: 'alice', role: 'admin', name: 'Alice Admin' },
      { login: 'bob', role: 'member', name: 'Bob Builder' },
    ]);
  });

  it('links a file at a commit under the context path', () => {
    const url = provider('core-read').fileUrl({
      repository: { fullName: 'CORE/web' },
      commitSha: 'abcdef1234567',
      path: 'src/app.ts',
      startLine: 3,
      endLine: 4,
    });
    expect(url).toBe(`${twin.baseUrl}/projects/CORE/repos/web/browse/src/app.ts?at=abcdef1234567#3-4`);
  });
});
