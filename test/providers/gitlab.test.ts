import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScmKindId } from '../../src/core/scm-kinds.js';
import type { ConnectableProvider, ConnectionSettings } from '../../src/scm/connection-settings.js';
import { ScmError } from '../../src/scm/errors.js';
import { createGitLabProvider } from '../../src/scm/gitlab/index.js';
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
  demoGitLabScenario,
  startGitLabTwin,
  type GitLabScenario,
  type GitLabTwin,
} from '../twins/gitlab/index.js';
import { testCaPem } from '../twins/server/twin-server.js';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The demo organisation plus a subgroup of 150 generated projects, so that `acme` spans two pages. */
function scenario(): GitLabScenario {
  const demo = demoGitLabScenario();
  return {
    ...demo,
    tokens: [
      ...demo.tokens,
      { value: 'glpat-soon', user: 'alice', scopes: ['api'], expiresAt: day(5) },
      { value: 'glpat-later', user: 'alice', scopes: ['api'], expiresAt: day(90) },
    ],
    groups: [
      ...demo.groups,
      { id: 103, path: 'generated', parent: 'acme', generatedProjects: { count: 150, archivedEvery: 10 } },
    ],
  };
}

/** 4 seeded projects of `acme` and its subgroups + 150 generated. */
const acmeProjects = 154;

function harness(baseUrl: string, options: TestScmHttpOptions & { kind?: ScmKindId } = {}) {
  const deps = createTestProviderDeps(options);
  return {
    provider: (overrides: Partial<ConnectionSettings> = {}): ConnectableProvider =>
      createGitLabProvider(
        {
          kind: options.kind ?? 'gitlab-self-managed',
          baseUrl: new URL(baseUrl),
          target: 'acme',
          token: 'glpat-demo-alice-api',
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

describe('GitLab provider: connect', () => {
  let twin: GitLabTwin;
  let gitlab: ReturnType<typeof harness>;

  beforeAll(async () => {
    twin = await startGitLabTwin(scenario());
    gitlab = harness(twin.url);
  });
  afterAll(async () => {
    await gitlab.close();
    await twin.close();
  });

  it('validates a token with `api` on a top-level group: identity, stable group id, server version', async () => {
    const result = await gitlab.provider().validate();
    expect(result).toEqual({
      identity: { id: '11', login: 'alice', name: 'Alice Owner' },
      organization: {
        externalId: '100',
        name: 'acme',
        displayName: 'Acme',
        webUrl: `${twin.url}/groups/acme`,
      },
      serverVersion: '17.6.0-ee',
    });
  });

  it('does not ask GitLab Cloud for its version', async () => {
    const before = twin.count('/api/v4/version');
    const result = await gitlab.provider({ kind: 'gitlab' }).validate();
    expect(result.serverVersion).toBeUndefined();
    expect(twin.count('/api/v4/version')).toBe(before);
  });

  it('accepts a group access token (bot user) and a pasted group path with slashes', async () => {
    const result = await gitlab.provider({ token: 'glgat-demo-group-bot', target: ' /acme/ ' }).validate();
    expect(result.identity.login).toBe('group_100_bot_scm');
    expect(result.organization.externalId).toBe('100');
  });

  it('sends the token in PRIVATE-TOKEN', async () => {
    await gitlab.provider().validate();
    expect(twin.log.at(-1)?.headers['private-token']).toBe('glpat-demo-alice-api');
  });

  it.each([
    ['an unknown token', 'glpat-nope', /not valid/],
    ['an expired token', 'glpat-demo-expired', /expired/],
    ['a revoked token', 'glpat-demo-revoked', /revoked/],
  ])('refuses %s: auth / invalid_credentials with a fix', async (_what, token, message) => {
    const error = scmError(await rejectionOf(gitlab.provider({ token }).validate()));
    expect([error.kind, error.code]).toEqual(['auth', 'invalid_credentials']);
    expect(error.message).toMatch(message);
    expect(error.fix).toMatch(/`api`/);
  });

  it('refuses a token without `api`, naming granted and needed scopes', async () => {
    const error = scmError(
      await rejectionOf(gitlab.provider({ token: 'glpat-demo-alice-readapi' }).validate()),
    );
    expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
    expect(error.message).toBe('The token has `read_api`; GitLab connections need `api`.');
    expect(error.fix).toMatch(/`api` scope/);
  });

  it.each([
    ['a group that does not exist', 'nope'],
    ['a group the user cannot see', 'other-corp'],
  ])('refuses %s: not-found / target_not_found naming it', async (_what, target) => {
    const error = scmError(await rejectionOf(gitlab.provider({ target }).validate()));
    expect([error.kind, error.code]).toEqual(['not-found', 'target_not_found']);
    expect(error.message).toContain(`\`${target}\``);
    expect(error.fix).toMatch(/member/);
  });

  it('refuses a subgroup and names the top-level group to use', async () => {
    const error = scmError(
      await rejectionOf(gitlab.provider({ target: 'acme/backend/services' }).validate()),
    );
    expect([error.kind, error.code]).toEqual(['invalid', 'subgroup_not_allowed']);
    expect(error.message).toContain('Connect its top-level group `acme`');
  });

  it('refuses a target that cannot be a group path before calling GitLab', async () => {
    const before = twin.count();
    const error = scmError(await rejectionOf(gitlab.provider({ target: '../admin' }).validate()));
    expect([error.kind, error.code]).toEqual(['invalid', 'invalid_target']);
    expect(twin.count()).toBe(before);
  });

  it('reports a healthy connection: scopes, expiry, version, identity, every capability row', async () => {
    const report = await gitlab.provider({ token: 'glpat-later' }).testConnection();
    checkHealthyReport(report);
    expect(report.scopes).toEqual({ granted: ['api'], needed: ['api'], missing: [] });
    expect(report.serverVersion).toBe('17.6.0-ee');
    expect(report.identity?.login).toBe('alice');
    expect(report.tokenExpiry).toMatchObject({ status: 'ok', expiresAt: `${day(90)}T00:00:00.000Z` });
    const status = Object.fromEntries(report.capabilities.map((row) => [row.id, row.status]));
    expect(status).toEqual({
      'list-repositories': 'ok',
      'read-members': 'ok',
      'comment-on-pull-requests': 'ok',
      'receive-webhooks': 'ok',
      'write-ci-files': 'ok',
    });
    expect(report.capabilities[0]!.message).toContain(`${acmeProjects} projects`);
  });

  it('warns about a token that expires within 14 days', async () => {
    const report = await gitlab.provider({ token: 'glpat-soon' }).testConnection();
    checkTestReport(report);
    expect(report.tokenExpiry).toMatchObject({ status: 'warn', daysLeft: 4 });
    expect(report.tokenExpiry?.warning).toMatch(/expires in 4 days/);
    expect(report.status).toBe('warn');
    expect(report.ok).toBe(true);
  });

  it('fails the report of a `read_api` token on the missing scope, while listing still works', async () => {
    const report = await gitlab.provider({ token: 'glpat-demo-alice-readapi' }).testConnection();
    checkTestReport(report);
    expect(report.ok).toBe(false);
    expect(report.scopes?.missing).toEqual(['api']);
    expect(report.capabilities.find((row) => row.id === 'list-repositories')?.status).toBe('ok');
  });

  it('reports an unknown group and a subgroup on the target line, with a fix', async () => {
    for (const target of ['nope', 'acme/backend']) {
      const report = await gitlab.provider({ target }).testConnection();
      checkTestReport(report);
      expect(report.target.status).toBe('fail');
      expect(report.target.fix).toBeTruthy();
      expect(report.identity?.login).toBe('alice');
    }
  });

  it('reports an expired token without throwing', async () => {
    const report = await gitlab.provider({ token: 'glpat-demo-expired' }).testConnection();
    checkTestReport(report);
    expect(report.reachable.status).toBe('ok');
    expect(report.target).toMatchObject({ status: 'fail', message: expect.stringMatching(/expired/) });
  });

  it('lists the group as its one organization, and every project of it and its subgroups', async () => {
    const provider = gitlab.provider();
    const [org, ...others] = await collect(provider.listOrganizations());
    expect(others).toEqual([]);
    const repos = await collect(provider.listRepositories(org!));
    expect(repos).toHaveLength(acmeProjects);
    expect(repos.find((repo) => repo.externalId === '1010')).toEqual({
      externalId: '1010',
      name: 'api',
      fullName: 'acme/backend/api',
      defaultBranch: 'main',
      visibility: 'private',
      archived: false,
      fork: false,
      webUrl: `${twin.url}/acme/backend/api`,
    });
    // `billing` has no commits yet: an empty repository has no default branch.
    expect(repos.find((repo) => repo.externalId === '1020')).toMatchObject({
      fullName: 'acme/backend/services/billing',
      defaultBranch: null,
    });
    expect(repos.some((repo) => repo.fullName.startsWith('other-corp/'))).toBe(false);
    expect(repos.filter((repo) => repo.archived).length).toBe(16);
  });

  it('falls back to offset pagination when GitLab refuses keyset pagination', async () => {
    const provider = gitlab.provider();
    twin.faults.next({ kind: 'status', status: 405 }, 1, '/api/v4/groups/100/projects');
    const repos = await collect(provider.listRepositories({ externalId: '100', name: 'acme' }));
    expect(new Set(repos.map((repo) => repo.externalId)).size).toBe(acmeProjects);
    const last = twin.log.at(-1)!;
    expect(last.query).toContain('page=2');
    expect(last.query).not.toContain('keyset');
  });

  it('lists members with Owner and Maintainer as admin', async () => {
    const members = await collect(
      gitlab.provider().members!.listMembers({ externalId: '100', name: 'acme' }),
    );
    const roles = Object.fromEntries(members.map((member) => [member.login, member.role]));
    expect(roles).toEqual({ alice: 'admin', carol: 'member', group_100_bot_scm: 'admin' });
  });

  it('builds GitLab blob links on the instance', () => {
    const url = gitlab.provider().fileUrl({
      repository: { fullName: 'acme/backend/api' },
      commitSha: 'abcdef1234567',
      path: 'src/main.go',
      startLine: 3,
      endLine: 9,
    });
    expect(url).toBe(`${twin.url}/acme/backend/api/-/blob/abcdef1234567/src/main.go#L3-9`);
  });
});

describe('GitLab provider: older instances and transport failures', () => {
  it('connects to GitLab < 15.5 (no token self-description): scopes unknown, connection still checked', async () => {
    const twin = await startGitLabTwin(demoGitLabScenario(), { version: '15.0.0' });
    const gitlab = harness(twin.url);
    try {
      const result = await gitlab.provider().validate();
      expect(result.serverVersion).toBe('15.0.0');
      const report = await gitlab.provider().testConnection();
      checkHealthyReport(report);
      expect(report.scopes).toBeUndefined();
      expect(report.tokenExpiry).toBeUndefined();
      const error = scmError(
        await rejectionOf(gitlab.provider({ token: 'glpat-demo-alice-readuser' }).validate()),
      );
      expect([error.kind, error.code]).toEqual(['forbidden', 'insufficient_scopes']);
      expect(error.message).toContain('`read_api`');
    } finally {
      await gitlab.close();
      await twin.close();
    }
  });

  it('passes an unreachable URL through as upstream_unreachable; the report says so', async () => {
    const gitlab = harness(`http://127.0.0.1:${await closedPort()}`, { retry: { attempts: 1 } });
    try {
      const error = scmError(await rejectionOf(gitlab.provider().validate()));
      expect([error.kind, error.code]).toEqual(['unavailable', 'upstream_unreachable']);
      const report = await gitlab.provider().testConnection();
      checkTestReport(report);
      expect(report.reachable.status).toBe('fail');
      expect(report.ok).toBe(false);
    } finally {
      await gitlab.close();
    }
  });

  it('refuses an address that is not allowlisted (ssrf_blocked) without connecting', async () => {
    const twin = await startGitLabTwin(demoGitLabScenario());
    const gitlab = harness(twin.url, { allowlist: '' });
    try {
      const error = scmError(await rejectionOf(gitlab.provider().validate()));
      expect([error.kind, error.code]).toEqual(['blocked-address', 'ssrf_blocked']);
      expect(twin.count()).toBe(0);
    } finally {
      await gitlab.close();
      await twin.close();
    }
  });

  it('refuses a self-signed certificate without the CA and connects with it', async () => {
    const twin = await startGitLabTwin(demoGitLabScenario(), { tls: true });
    const gitlab = harness(twin.url);
    try {
      const error = scmError(await rejectionOf(gitlab.provider().validate()));
      expect([error.kind, error.code]).toEqual(['tls', 'tls_verification_failed']);
      const report = await gitlab.provider().testConnection();
      expect(report.reachable).toMatchObject({ status: 'fail', fix: expect.stringMatching(/CA/) });
      const result = await gitlab.provider({ caPem: testCaPem() }).validate();
      expect(result.organization.name).toBe('acme');
    } finally {
      await gitlab.close();
      await twin.close();
    }
  });
});

describe('GitLab provider: contract', () => {
  let twin: GitLabTwin | undefined;
  runProviderContract('gitlab', async () => {
    twin = await startGitLabTwin(scenario());
    const gitlab = harness(twin.url, { kind: 'gitlab' });
    const live = twin;
    const website = live.state.projects.get(1000)!;
    // A merge request changing line 15 of a 20-line file: lines 12–18 are in the diff, line 2 is not.
    const bob = live.state.requireUser('bob');
    const lines = Array.from({ length: 20 }, (_, i) => `export const v${i + 1} = ${i + 1};`);
    live.state.commit(website, 'main', 'Add values', bob, (files) => {
      files.set('src/values.ts', `${lines.join('\n')}\n`);
    });
    live.state.commit(
      website,
      'feature/contract',
      'Change v15',
      bob,
      (files) => files.set('src/values.ts', `${lines.with(14, 'export const v15 = 150;').join('\n')}\n`),
      website.branches.get('main'),
    );
    const mr = live.state.openMergeRequest(website, {
      title: 'Contract',
      author: bob,
      source: 'feature/contract',
      target: 'main',
    });
    const ref = { repository: { externalId: '1000', fullName: 'acme/website' }, number: mr.iid };
    const inline = { path: 'src/values.ts', line: 15, commitSha: mr.diffRefs.headSha };
    return {
      provider: gitlab.provider(),
      pullRequest: { ref, inline, offDiffLine: 2 },
      commenter: {
        ref,
        inline,
        offDiff: { ...inline, line: 2 },
        people: { writer: { id: '12', login: 'bob' }, reader: { id: '13', login: 'carol' } },
      },
      ciRepository: { externalId: '1000', fullName: 'acme/website', defaultBranch: 'main' },
      file: {
        repository: { externalId: '1000', fullName: 'acme/website' },
        commitSha: website.branches.get('main')!.commit,
        path: 'src/index.ts',
        content: website.branches.get('main')!.files.get('src/index.ts')!,
        directory: 'src',
      },
      expected: {
        organization: 'acme',
        repositoryCount: acmeProjects,
        someRepository: {
          externalId: '1000',
          name: 'website',
          defaultBranch: 'main',
          archived: false,
          visibility: 'private',
        },
        memberCount: 3,
        someMember: { login: 'alice', role: 'admin' },
      },
      breakToken: async () => gitlab.provider({ token: 'glpat-demo-revoked' }),
      twin: { count: (prefix) => live.count(prefix) },
      teardown: async () => {
        await gitlab.close();
        await live.close();
      },
    };
  });
});
