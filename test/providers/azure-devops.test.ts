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
  ],
  pats: [
    { value: 'full-pat', user: 'alice@example.com', scopes: 'full' },
    { value: 'reader-pat', user: 'carol@example.com', scopes: ['vso.code', 'vso.project'] },
    { value: 'project-only-pat', user: 'alice@example.com', scopes: ['vso.project'] },
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
      ],
    },
    {
      name: 'bigorg',
      projects: [{ name: 'monorepo-farm', generatedRepositoryCount: 10_000 }],
      members: [{ user: 'alice@example.com', collectionAdmin: true }],
    },
    { name: 'elsewhere', projects: [], members: [{ user: 'alice@example.com', collectionAdmin: true }] },
  ],
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
      provider('not-a-pat', 'contoso', { baseUrl: new URL(signInTwin.url) }).validate(),
    );
    expect(error).toMatchObject({ kind: 'auth', code: 'invalid_credentials' });
    expect(signInTwin.log.some((call) => call.status === 203)).toBe(true);
  });

  it('names granted and needed scopes when the PAT cannot read code', async () => {
    const error = await rejection(provider('project-only-pat').validate());
    expect(error).toMatchObject({ kind: 'forbidden', code: 'insufficient_scopes' });
    expect(error.message).toContain('has `vso.project`');
    expect(error.message).toContain('lacks `vso.code`');
    expect(error.fix).toMatch(/Code \(Read\)/);
  });

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
    expect(report.scopes?.missing).toEqual([]);
    expect(report.scopes?.granted).toEqual([
      'vso.code',
      'vso.project',
      'vso.code_write',
      'vso.hooks',
      'vso.memberentitlementmanagement',
    ]);
    expect(report.capabilities.every((row) => row.status === 'ok')).toBe(true);
    // The write probes were sent and refused for want of a repository.
    const posts = twin.log.filter((call) => call.method === 'POST').slice(-2);
    expect(twin.count('/contoso', 'POST') - pushesBefore).toBe(2);
    expect(posts.every((call) => call.status === 404)).toBe(true);
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
    expect(rows['receive-webhooks']!.message).toContain('vso.hooks');
  });

  it('fails the listing row of a PAT without vso.code and says which scope is missing', async () => {
    const report = await provider('project-only-pat').testConnection();
    expect(report.ok).toBe(false);
    expect(report.scopes?.missing).toEqual(['vso.code']);
    expect(rowsOf(report)['list-repositories']).toMatchObject({ status: 'fail' });
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

  it('lists the users of the organization, Project Collection Administrators as admin', async () => {
    const members = await collect(
      provider('full-pat').members!.listMembers({ externalId: 'x', name: 'contoso' }),
    );
    expect(members.map(({ login, role }) => ({ login, role }))).toEqual([
      { login: 'alice@example.com', role: 'admin' },
      { login: 'bob@example.com', role: 'member' },
      { login: 'carol@example.com', role: 'member' },
    ]);
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
