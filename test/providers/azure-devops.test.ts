import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureDevOpsProvider } from '../../src/scm/azure-devops/index.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { isScmError, type ScmError } from '../../src/scm/errors.js';
import { collect } from '../contract/provider-contract.js';
import { createTestProviderDeps } from '../helpers/scm-http.js';
import { testCaPem } from '../twins/server/twin-server.js';
import {
  startAzureDevOpsTwin,
  type AzureDevOpsScenario,
  type AzureDevOpsTwin,
} from '../twins/azure-devops/index.js';

const scenario: AzureDevOpsScenario = {
  users: [
    { principalName: 'alice@example.com', displayName: 'Alice Admin' },
    { principalName: 'bob@example.com', displayName: 'Bob Builder' },
    { principalName: 'carol@example.com', displayName: 'Carol Reader' },
    { principalName: 'dave@example.com', displayName: 'Dave Delegate' },
    { principalName: 'erin@example.com', displayName: 'Erin Extern' },
  ],
  pats: [
    { value: 'full-pat', user: 'alice@example.com', scopes: 'full' },
    { value: 'reader-pat', user: 'carol@example.com', scopes: ['vso.code', 'vso.project'] },
    { value: 'project-only-pat', user: 'alice@example.com', scopes: ['vso.project'] },
    { value: 'profile-only-pat', user: 'alice@example.com', scopes: ['vso.profile'] },
    { value: 'threads-pat', user: 'alice@example.com', scopes: ['vso.code', 'vso.threads_full'] },
    {
      value: 'no-graph-pat',
      user: 'alice@example.com',
      scopes: ['vso.code_write', 'vso.memberentitlementmanagement'],
    },
    { value: 'bob-full-pat', user: 'bob@example.com', scopes: 'full' },
    { value: 'dave-full-pat', user: 'dave@example.com', scopes: 'full' },
    { value: 'expired-pat', user: 'alice@example.com', scopes: 'full', expiresAt: '2020-01-01T00:00:00Z' },
    { value: 'elsewhere-pat', user: 'alice@example.com', scopes: 'full', organizations: ['elsewhere'] },
  ],
  organizations: [
    {
      name: 'contoso',
      id: '11111111-2222-3333-4444-555555555555',
      projects: [
        {
          name: 'Shop',
          repositories: [
            { name: 'web' },
            { name: 'api', defaultBranch: 'refs/heads/master' },
            { name: 'old', isDisabled: true },
          ],
        },
        { name: 'Open Source', visibility: 'public', repositories: [{ name: 'docs' }] },
      ],
      members: [
        { user: 'alice@example.com', collectionAdmin: true },
        { user: 'bob@example.com', projects: { Shop: 'projectContributor' } },
        { user: 'carol@example.com', projects: { Shop: 'projectReader' } },
        { user: 'dave@example.com', groups: ['Security Leads'] },
        { user: 'erin@example.com', groups: ['Contractors'], projects: { Shop: 'projectReader' } },
      ],
      // Dave administers through two nested groups that also contain each other; Erin's group is a licensing rule.
      groups: [
        { name: 'Platform Owners', memberOf: ['Project Collection Administrators', 'Security Leads'] },
        { name: 'Security Leads', memberOf: ['Platform Owners'] },
        { name: 'Contractors', licenseRule: 'stakeholder' },
      ],
    },
    {
      name: 'bigorg',
      projects: [{ name: 'monorepo-farm', generatedRepositoryCount: 10_000 }],
      members: [{ user: 'alice@example.com', collectionAdmin: true }],
    },
    { name: 'elsewhere', projects: [], members: [{ user: 'alice@example.com', collectionAdmin: true }] },
    {
      name: 'opensource',
      projects: [{ name: 'Docs', visibility: 'public', repositories: [{ name: 'site' }] }],
      members: [{ user: 'alice@example.com', collectionAdmin: true }],
    },
  ],
  // Project groups come first, so Project Collection Administrators is found a few pages in.
  graphPageSize: 3,
};

let twin: AzureDevOpsTwin;
let tlsTwin: AzureDevOpsTwin;
let signInTwin: AzureDevOpsTwin;
const deps = createTestProviderDeps();

beforeAll(async () => {
  [twin, tlsTwin, signInTwin] = await Promise.all([
    startAzureDevOpsTwin(scenario),
    startAzureDevOpsTwin(scenario, { tls: true }),
    startAzureDevOpsTwin({ ...scenario, badCredentialAnswer: '203' }),
  ]);
});
afterAll(async () => {
  await deps.close();
  await Promise.all([twin.close(), tlsTwin.close(), signInTwin.close()]);
});

function provider(
  token: string,
  target = 'contoso',
  overrides: Partial<ConnectionSettings> = {},
  providerDeps = deps,
): ConnectableProvider {
  return createAzureDevOpsProvider(
    { kind: 'azure-devops', baseUrl: new URL(twin.url), target, token, ...overrides },
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

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const rowsOf = (report: Awaited<ReturnType<ConnectableProvider['testConnection']>>) =>
  Object.fromEntries(report.capabilities.map((row) => [row.id, row]));

describe('Azure DevOps provider: validate', () => {
  it('connects: identity from connectionData, the organization with its GUID', async () => {
    const result = await provider('full-pat').validate();
    expect(result.organization).toEqual({
      externalId: '11111111-2222-3333-4444-555555555555',
      name: 'contoso',
      webUrl: `${twin.url}/contoso`,
    });
    expect(result.identity).toMatchObject({ login: 'alice@example.com', name: 'Alice Admin' });
    expect(result.serverVersion).toBeUndefined();
  });

  it('sends the PAT as Basic with an empty user name, asks for no sign-in redirect, and pins api-version 7.1', async () => {
    const before = twin.log.length;
    await provider('full-pat').validate();
    const calls = twin.log.slice(before);
    const basic = `Basic ${Buffer.from(':full-pat').toString('base64')}`;
    expect(calls.every((call) => call.headers.authorization === basic)).toBe(true);
    expect(calls.every((call) => call.headers['x-tfs-fedauthredirect'] === 'Suppress')).toBe(true);
    const apis = calls.filter((call) => !call.path.endsWith('/connectionData'));
    expect(apis.length).toBeGreaterThan(0);
    expect(apis.every((call) => call.query.includes('api-version=7.1'))).toBe(true);
  });

  it.each([
    ['an unknown PAT', 'not-a-pat'],
    ['an expired PAT', 'expired-pat'],
    ['a PAT of another organization', 'elsewhere-pat'],
  ])('refuses %s as invalid_credentials with a fix', async (_what, token) => {
    const error = await rejection(provider(token).validate());
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
    expect(error.fix).toMatch(/Personal access tokens/);
  });

  it('treats a 203 sign-in page as invalid_credentials', async () => {
    const error = await rejection(
      // An organization without public projects: one with them answers as the public-access identity.
      provider('not-a-pat', 'bigorg', { baseUrl: new URL(signInTwin.url) }).validate(),
    );
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
    expect(signInTwin.log.some((call) => call.status === 203)).toBe(true);
  });

  it('names the missing scope when the PAT cannot read code, and claims no scope a probe cannot prove', async () => {
    for (const token of ['project-only-pat', 'profile-only-pat']) {
      const error = await rejection(provider(token).validate());
      expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
      expect(error.message).toContain('lacks `vso.code`');
      // Listing projects takes vso.project or vso.profile, so its answer proves neither.
      expect(error.message).not.toContain('has `vso.project`');
      expect(error.fix).toMatch(/Code \(Read\)/);
    }
  });

  it.each([
    ['without a token', ''],
    ['with a token Azure DevOps does not know', 'not-a-pat'],
  ])(
    'refuses the public-access identity an organization with public projects answers %s',
    async (_what, token) => {
      const error = await rejection(provider(token, 'opensource').validate());
      expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
      expect(error.message).toContain('opensource');
    },
  );

  it('names the organization when it does not exist', async () => {
    const error = await rejection(provider('full-pat', 'nosuchorg').validate());
    expect(error).toMatchObject({ kind: 'not-found', code: 'target_not_found' });
    expect(error.message).toContain('nosuchorg');
  });

  it('passes upstream_unreachable through for a closed port', async () => {
    const port = await closedPort();
    const error = await rejection(
      provider('full-pat', 'contoso', { baseUrl: new URL(`http://127.0.0.1:${port}`) }).validate(),
    );
    expect(error).toMatchObject({ kind: 'unavailable', code: 'upstream_unreachable' });
  });

  it('passes ssrf_blocked through for an address that is not allowlisted', async () => {
    const strict = createTestProviderDeps({ allowlist: '192.0.2.10' });
    try {
      const error = await rejection(provider('full-pat', 'contoso', {}, strict).validate());
      expect(error).toMatchObject({ kind: 'blocked-address', code: 'ssrf_blocked' });
    } finally {
      await strict.close();
    }
  });

  it('refuses a self-signed certificate without the CA and connects with it', async () => {
    const settings = { baseUrl: new URL(tlsTwin.url) };
    const error = await rejection(provider('full-pat', 'contoso', settings).validate());
    expect(error).toMatchObject({ kind: 'tls', code: 'tls_verification_failed' });
    const result = await provider('full-pat', 'contoso', { ...settings, caPem: testCaPem() }).validate();
    expect(result.organization.name).toBe('contoso');
  });
});

describe('Azure DevOps provider: testConnection', () => {
  it('probes every capability of a full PAT as ok, without writing anything', async () => {
    const pushesBefore = twin.count('/contoso', 'POST');
    const report = await provider('full-pat').testConnection();
    expect(report.status).toBe('ok');
    expect(report.scopes).toEqual({
      granted: ['vso.code', 'vso.code_write', 'vso.memberentitlementmanagement', 'vso.graph'],
      needed: ['vso.code'],
      missing: [],
    });
    expect(report.capabilities.every((row) => row.status === 'ok')).toBe(true);
    expect(rowsOf(report)['receive-webhooks']!.message).toContain('is a Project Collection Administrator');
    // The write probes were sent and refused for want of a repository.
    const posts = twin.log.filter((call) => call.method === 'POST').slice(-2);
    expect(twin.count('/contoso', 'POST') - pushesBefore).toBe(2);
    expect(posts.every((call) => call.status === 404)).toBe(true);
  });

  it('reports the token expiry as not readable, with where to see it', async () => {
    const report = await provider('full-pat').testConnection();
    expect(report.tokenExpiry).toBeDefined();
    expect(report.tokenExpiry!.expiresAt).toBeUndefined();
    expect(report.tokenExpiry!.status).toBe('skipped');
    expect(report.tokenExpiry!.warning).toMatch(/not readable/i);
    expect(report.tokenExpiry!.fix).toContain('User settings > Personal access tokens');
    expect(report.status).toBe('ok');
  });

  it('finds webhook rights through nested groups and says "not verified" where it cannot tell', async () => {
    // Dave is a Project Collection Administrator through Security Leads and Platform Owners.
    expect(rowsOf(await provider('dave-full-pat').testConnection())['receive-webhooks']).toMatchObject({
      status: 'ok',
    });
    // Bob's token has every scope, but creating subscriptions also needs Edit subscriptions.
    const bob = rowsOf(await provider('bob-full-pat').testConnection())['receive-webhooks']!;
    expect(bob.status).toBe('warn');
    expect(bob.message).toMatch(/not verified/i);
    expect(bob.fix).toContain('Project Collection Administrators');
    // Without vso.graph the membership cannot be read at all.
    const reader = rowsOf(await provider('reader-pat').testConnection())['receive-webhooks']!;
    expect(reader.status).toBe('warn');
    expect(reader.message).toMatch(/not verified/i);
    expect(reader.fix).toContain('Graph (Read)');
  });

  it('proves vso.threads_full only when a thread may be written but a push may not', async () => {
    const report = await provider('threads-pat').testConnection();
    expect(report.scopes?.granted).toEqual(['vso.code', 'vso.threads_full']);
    const rows = rowsOf(report);
    expect(rows['comment-on-pull-requests']!.status).toBe('ok');
    expect(rows['write-ci-files']).toMatchObject({ status: 'warn' });
    expect(rows['write-ci-files']!.message).toContain('vso.code_write');
  });

  it('reports a read-only PAT as usable, each missing scope as a warning with a fix', async () => {
    const report = await provider('reader-pat').testConnection();
    expect(report.ok).toBe(true);
    const rows = rowsOf(report);
    expect(rows['list-repositories']!.status).toBe('ok');
    for (const id of ['read-members', 'comment-on-pull-requests', 'receive-webhooks', 'write-ci-files']) {
      expect(rows[id]!.status, id).toBe('warn');
      expect(rows[id]!.fix, id).toBeTruthy();
    }
    expect(rows['comment-on-pull-requests']!.message).toContain('vso.code_write');
    expect(rows['read-members']!.message).toContain('vso.memberentitlementmanagement');
  });

  it('fails the listing row of a PAT without vso.code and says which scope is missing', async () => {
    const report = await provider('project-only-pat').testConnection();
    expect(report.ok).toBe(false);
    expect(report.scopes).toEqual({ granted: [], needed: ['vso.code'], missing: ['vso.code'] });
    expect(rowsOf(report)['list-repositories']).toMatchObject({ status: 'fail' });
  });

  it('reports the public-access identity as a refused token', async () => {
    const report = await provider('not-a-pat', 'opensource').testConnection();
    expect(report.ok).toBe(false);
    expect(report.identity).toBeUndefined();
    expect(report.target).toMatchObject({ status: 'fail' });
  });

  it('reports a refused PAT without throwing', async () => {
    const report = await provider('expired-pat').testConnection();
    expect(report.ok).toBe(false);
    expect(report.reachable.status).toBe('ok');
    expect(report.target.status).toBe('fail');
    expect(report.target.fix).toBeTruthy();
    expect(report.capabilities.every((row) => row.status === 'skipped')).toBe(true);
  });

  it('reports an unreachable host as not reachable', async () => {
    const port = await closedPort();
    const report = await provider('full-pat', 'contoso', {
      baseUrl: new URL(`http://127.0.0.1:${port}`),
    }).testConnection();
    expect(report.reachable.status).toBe('fail');
    expect(report.ok).toBe(false);
  });
});

describe('Azure DevOps provider: listing', () => {
  const bigorg = { externalId: 'x', name: 'bigorg' };

  it('lists repositories of every project with org/project/repo names and their fields', async () => {
    const repos = await collect(provider('full-pat').listRepositories({ externalId: 'x', name: 'contoso' }));
    expect(repos.map((repo) => repo.fullName).sort()).toEqual([
      'contoso/Open Source/docs',
      'contoso/Shop/api',
      'contoso/Shop/old',
      'contoso/Shop/web',
    ]);
    const byName = Object.fromEntries(repos.map((repo) => [repo.name, repo]));
    expect(byName.api).toMatchObject({ defaultBranch: 'master', visibility: 'private', archived: false });
    expect(byName.old!.archived).toBe(true);
    expect(byName.docs).toMatchObject({
      visibility: 'public',
      webUrl: `${twin.url}/contoso/Open%20Source/_git/docs`,
    });
    expect(byName.web!.externalId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists 10,000 repositories of one project in one answer after one page of projects', async () => {
    const before = twin.count();
    const repos = await collect(provider('full-pat', 'bigorg').listRepositories(bigorg));
    // One repositories answer per project, plus the page of projects needed to start.
    expect(twin.count() - before).toBe(1 + 1);
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(10_000);
  });

  it('completes the 10,000-repository listing through 5xx answers and a 429 with Retry-After', async () => {
    const project = twin.state.organizations.get('bigorg')!.projects[0]!;
    const before = twin.log.length;
    twin.faults.next({ kind: 'status', status: 503 }, 1, '/bigorg/_apis/projects');
    twin.faults.next({ kind: 'rate-limit', retryAfterSeconds: 1 }, 1, `/bigorg/${project.id}/_apis/git`);
    twin.faults.next({ kind: 'status', status: 502 }, 1, `/bigorg/${project.id}/_apis/git`);
    try {
      const repos = await collect(provider('full-pat', 'bigorg').listRepositories(bigorg));
      expect(repos).toHaveLength(10_000);
      expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(10_000);
    } finally {
      twin.faults.clear();
    }
    expect(twin.log.slice(before).map((call) => call.status)).toEqual([503, 200, 429, 502, 200]);
  });

  it('reads Project Collection Administrators through the Graph, nested groups included; group rules make nobody admin', async () => {
    const before = twin.log.length;
    const members = await collect(
      provider('full-pat').members!.listMembers({ externalId: 'x', name: 'contoso' }),
    );
    expect(members.map(({ login, role }) => ({ login, role }))).toEqual([
      { login: 'alice@example.com', role: 'admin' },
      { login: 'bob@example.com', role: 'member' },
      { login: 'carol@example.com', role: 'member' },
      { login: 'dave@example.com', role: 'admin' },
      { login: 'erin@example.com', role: 'member' },
    ]);
    // The group list was read up to Project Collection Administrators, then each nested group once.
    const graphCalls = twin.log.slice(before).filter((call) => call.path.includes('/_apis/graph/'));
    const memberships = graphCalls.filter((call) => /\/graph\/Memberships\//i.test(call.path));
    expect(memberships.map((call) => call.query)).toSatisfy((queries: string[]) =>
      queries.every(
        (query) => query.includes('direction=down') && query.includes('api-version=7.1-preview.1'),
      ),
    );
    // Project Collection Administrators, Platform Owners and Security Leads, each once despite their cycle.
    expect(memberships).toHaveLength(3);
    expect(new Set(memberships.map((call) => call.path)).size).toBe(3);
    // Six project groups come first: the third page of three holds the group, and no later page is read.
    expect(graphCalls.filter((call) => /\/graph\/groups$/i.test(call.path))).toHaveLength(3);
  });

  it('refuses to guess admins when the token cannot read the Graph', async () => {
    const error = await rejection(
      collect(provider('no-graph-pat').members!.listMembers({ externalId: 'x', name: 'contoso' })),
    );
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('vso.graph');
    expect(error.fix).toContain('Graph (Read)');
  });

  it('links a file at a commit with the line selection', () => {
    const url = provider('full-pat').fileUrl({
      repository: { fullName: 'contoso/Open Source/docs' },
      commitSha: 'abcdef1234567',
      path: 'README.md',
      startLine: 2,
    });
    expect(url).toBe(
      `${twin.url}/contoso/Open%20Source/_git/docs?path=/README.md&version=GCabcdef1234567&line=2&lineEnd=3&lineStartColumn=1&lineEndColumn=1&lineStyle=plain&_a=contents`,
    );
  });
});
