import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBitbucketCloudProvider } from '../../src/scm/bitbucket-cloud/index.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import {
  checkHealthyReport,
  checkTestReport,
  collect,
  runProviderContract,
} from '../contract/provider-contract.js';
import {
  closedPort,
  createTestProviderDeps,
  rejectionOf,
  type TestScmHttpOptions,
} from '../helpers/scm-http.js';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketCloudScenario,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';
import {
  arrangeCommentPullRequest,
  commentApiTokenScopes,
} from '../twins/bitbucket-cloud/comment-fixture.js';
import { testCaPem } from '../twins/server/twin-server.js';

/** The demo workspace plus 150 generated repositories, so that `acme` spans two pages. */
function scenario(): BitbucketCloudScenario {
  const demo = demoBitbucketCloudScenario();
  const [acme, ...others] = demo.workspaces;
  return {
    ...demo,
    workspaces: [{ ...acme!, generatedRepositories: { count: 150 } }, ...others],
    accessTokens: [
      ...demo.accessTokens,
      { value: 'bbwat-account-only', kind: 'workspace', workspace: 'acme', scopes: ['account'] },
    ],
  };
}

/** `website`, `infra` and 150 generated repositories. */
const acmeRepositories = 152;

function harness(baseUrl: string, options: TestScmHttpOptions = {}) {
  const deps = createTestProviderDeps(options);
  return {
    provider: (overrides: Partial<ConnectionSettings> = {}): ConnectableProvider =>
      createBitbucketCloudProvider(
        {
          kind: 'bitbucket-cloud',
          baseUrl: new URL(baseUrl),
          target: 'acme',
          token: 'bbwat-demo-full',
          ...overrides,
        },
        deps,
      ),
    close: () => deps.close(),
  };
}

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

const apiToken = { email: 'alice@example.com', token: 'ATATT-demo-alice' };

describe('Bitbucket Cloud provider: connect', () => {
  let twin: BitbucketCloudTwin;
  let bitbucket: ReturnType<typeof harness>;

  beforeAll(async () => {
    twin = await startBitbucketCloudTwin(scenario());
    bitbucket = harness(twin.url);
  });
  afterAll(async () => {
    await bitbucket.close();
    await twin.close();
  });

  it('validates a workspace access token: the workspace with its UUID, named after the token', async () => {
    const result = await bitbucket.provider().validate();
    const uuid = twin.workspace('acme').uuid;
    expect(result).toEqual({
      identity: {
        id: `${uuid}:access-token`,
        login: 'acme-access-token',
        name: 'Access token of workspace acme',
      },
      organization: {
        externalId: uuid,
        name: 'acme',
        displayName: 'Acme',
        webUrl: 'https://bitbucket.org/acme/',
      },
    });
    expect(twin.log.at(-1)?.headers.authorization).toBe('Bearer bbwat-demo-full');
  });

  it('validates an Atlassian API token with the account email over Basic auth', async () => {
    const result = await bitbucket.provider(apiToken).validate();
    expect(result.identity).toEqual({
      id: twin.state.users.get('557058:alice')!.uuid,
      login: 'alice',
      name: 'Alice Owner',
    });
    const basic = Buffer.from('alice@example.com:ATATT-demo-alice').toString('base64');
    expect(twin.log.at(-1)?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it.each([
    ['an unknown access token', { token: 'bbwat-nope' }],
    ['an expired access token', { token: 'bbwat-demo-expired' }],
    ['an API token with the wrong email', { ...apiToken, email: 'bob@example.com' }],
  ])('refuses %s: auth / invalid_credentials with a fix', async (_what, overrides) => {
    const error = scmError(await rejectionOf(bitbucket.provider(overrides).validate()));
    expect([error.kind, error.code]).toEqual(['auth', 'invalid_credentials']);
    expect(error.fix).toBeTruthy();
  });

  it('refuses a token without `repository`, naming the scope Bitbucket requires', async () => {
    const error = scmError(await rejectionOf(bitbucket.provider({ token: 'bbwat-account-only' }).validate()));
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(error.message).toBe('The token lacks `repository`, which Bitbucket Cloud connections need.');
    expect(error.fix).toContain('with the `repository` scope');
  });

  it.each([
    ['a workspace that does not exist', 'nope'],
    ["a workspace outside the token's reach", 'other'],
  ])('refuses %s: not-found / target_not_found naming it', async (_what, target) => {
    const error = scmError(await rejectionOf(bitbucket.provider({ target }).validate()));
    expect([error.kind, error.code]).toEqual(['not-found', 'target_not_found']);
    expect(error.message).toContain(`\`${target}\``);
    expect(error.fix).toContain('only reaches the workspace it was created in');
  });

  it('refuses a target that cannot be a workspace slug before calling Bitbucket', async () => {
    const before = twin.count();
    const error = scmError(await rejectionOf(bitbucket.provider({ target: 'acme/website' }).validate()));
    expect([error.kind, error.code]).toEqual(['invalid', 'invalid_target']);
    expect(twin.count()).toBe(before);
  });

  it('reports a healthy connection with every capability row', async () => {
    const report = await bitbucket.provider().testConnection();
    checkHealthyReport(report);
    expect(report.scopes).toBeUndefined();
    expect(report.tokenExpiry).toBeUndefined();
    const status = Object.fromEntries(report.capabilities.map((row) => [row.id, row.status]));
    expect(status).toEqual({
      'list-repositories': 'ok',
      'read-members': 'ok',
      'comment-on-pull-requests': 'ok',
      'receive-webhooks': 'ok',
      'write-ci-files': 'skipped',
    });
    expect(report.capabilities[0]!.message).toContain(`${acmeRepositories} repositories`);
  });

  it('warns when the token cannot read members, and fails when it cannot list repositories', async () => {
    const readOnly = await bitbucket.provider({ token: 'bbwat-demo-read' }).testConnection();
    checkTestReport(readOnly);
    expect(readOnly.capabilities[1]).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('`account`'),
    });
    expect([readOnly.ok, readOnly.status]).toEqual([true, 'warn']);

    const accountOnly = await bitbucket.provider({ token: 'bbwat-account-only' }).testConnection();
    checkTestReport(accountOnly);
    expect(accountOnly.capabilities[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('`repository`'),
    });
    expect(accountOnly.ok).toBe(false);
  });

  it('reports an unknown workspace and an expired token on the target line', async () => {
    for (const overrides of [{ target: 'nope' }, { token: 'bbwat-demo-expired' }]) {
      const report = await bitbucket.provider(overrides).testConnection();
      checkTestReport(report);
      expect(report.reachable.status).toBe('ok');
      expect(report.target.status).toBe('fail');
      expect(report.ok).toBe(false);
    }
  });

  it('lists the workspace and every repository with its UUID', async () => {
    const provider = bitbucket.provider();
    const [org, ...others] = await collect(provider.listOrganizations());
    expect(others).toEqual([]);
    const repos = await collect(provider.listRepositories(org!));
    expect(repos).toHaveLength(acmeRepositories);
    expect(repos.find((repo) => repo.fullName === 'acme/infra')).toEqual({
      externalId: twin.repository('acme', 'infra').uuid,
      name: 'infra',
      fullName: 'acme/infra',
      defaultBranch: 'master',
      visibility: 'private',
      archived: false,
      fork: false,
      webUrl: 'https://bitbucket.org/acme/infra',
    });
    expect(twin.log.at(-1)?.path).toBe(`/2.0/repositories/${encodeURIComponent(org!.externalId)}`);
  });

  it('lists members: owners are admins with an API token; everyone is a member for an access token', async () => {
    const org = { externalId: twin.workspace('acme').uuid, name: 'acme' };
    const roles = async (provider: ConnectableProvider) =>
      Object.fromEntries((await collect(provider.members!.listMembers(org))).map((m) => [m.login, m.role]));
    expect(await roles(bitbucket.provider(apiToken))).toEqual({
      alice: 'admin',
      bob: 'member',
      carol: 'member',
    });
    expect(await roles(bitbucket.provider())).toEqual({ alice: 'member', bob: 'member', carol: 'member' });
  });

  it('builds Bitbucket source links on the web root', () => {
    const url = bitbucket.provider().fileUrl({
      repository: { fullName: 'acme/website' },
      commitSha: 'abcdef1234567',
      path: 'src/app.py',
      startLine: 3,
      endLine: 5,
    });
    expect(url).toBe('https://bitbucket.org/acme/website/src/abcdef1234567/src/app.py#lines-3:5');
  });
});

describe('Bitbucket Cloud provider: transport failures', () => {
  it('passes an unreachable URL through as upstream_unreachable; the report says so', async () => {
    const bitbucket = harness(`http://127.0.0.1:${await closedPort()}`, { retry: { attempts: 1 } });
    try {
      const error = scmError(await rejectionOf(bitbucket.provider().validate()));
      expect([error.kind, error.code]).toEqual(['unavailable', 'upstream_unreachable']);
      const report = await bitbucket.provider().testConnection();
      checkTestReport(report);
      expect(report.reachable.status).toBe('fail');
    } finally {
      await bitbucket.close();
    }
  });

  it('refuses an address that is not allowlisted (ssrf_blocked) without connecting', async () => {
    const twin = await startBitbucketCloudTwin(demoBitbucketCloudScenario());
    const bitbucket = harness(twin.url, { allowlist: '' });
    try {
      const error = scmError(await rejectionOf(bitbucket.provider().validate()));
      expect([error.kind, error.code]).toEqual(['blocked-address', 'ssrf_blocked']);
      expect(twin.count()).toBe(0);
    } finally {
      await bitbucket.close();
      await twin.close();
    }
  });

  it('refuses a self-signed certificate without the CA and connects with it', async () => {
    const twin = await startBitbucketCloudTwin(demoBitbucketCloudScenario(), { tls: true });
    const bitbucket = harness(twin.url);
    try {
      const error = scmError(await rejectionOf(bitbucket.provider().validate()));
      expect([error.kind, error.code]).toEqual(['tls', 'tls_verification_failed']);
      const result = await bitbucket.provider({ caPem: testCaPem() }).validate();
      expect(result.organization.name).toBe('acme');
    } finally {
      await bitbucket.close();
      await twin.close();
    }
  });
});

describe('Bitbucket Cloud provider: contract', () => {
  runProviderContract('bitbucket-cloud', async () => {
    const twin = await startBitbucketCloudTwin(scenario());
    const bitbucket = harness(twin.url);
    const website = twin.repository('acme', 'website');
    // Repository permissions are shown to an administrator's API token only, never to access tokens: the
    // contract runs with Alice's (workspace owner) API token.
    const token = 'ATATT-contract-alice';
    twin.addApiToken({
      email: 'alice@example.com',
      token,
      // Adding the CI job also writes branches and files and switches Pipelines on.
      scopes: [...commentApiTokenScopes, 'write:repository:bitbucket', 'admin:repository:bitbucket'],
    });
    const pr = arrangeCommentPullRequest(twin);
    const main = website.branches.get('main')!;
    return {
      provider: bitbucket.provider({ email: 'alice@example.com', token }),
      pullRequest: { ref: pr.ref, inline: pr.inline, offDiffLine: pr.offDiffLine },
      commenter: {
        ref: pr.ref,
        inline: pr.inline,
        offDiff: { ...pr.inline, line: pr.offDiffLine },
        people: pr.people,
      },
      file: {
        repository: { externalId: website.uuid, fullName: 'acme/website' },
        commitSha: main.hash,
        path: 'src/app.py',
        content: main.files.get('src/app.py')!,
        directory: 'src',
      },
      ciRepository: {
        externalId: twin.repository('acme', 'infra').uuid,
        fullName: 'acme/infra',
        defaultBranch: 'master',
      },
      expected: {
        organization: 'acme',
        repositoryCount: acmeRepositories,
        someRepository: {
          externalId: twin.repository('acme', 'website').uuid,
          name: 'website',
          defaultBranch: 'main',
          archived: false,
          visibility: 'private',
        },
        memberCount: 3,
        someMember: { login: 'bob', role: 'member' },
      },
      breakToken: async () => bitbucket.provider({ token: 'bbwat-demo-expired' }),
      twin: { count: (prefix) => twin.count(prefix) },
      teardown: async () => {
        await bitbucket.close();
        await twin.close();
      },
    };
  });
});
