import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScmError } from '../../src/scm/errors.js';
import type { CiTemplate, ScmOrganization, TestReport } from '../../src/scm/provider.js';
import { checkHealthyReport, checkTestReport, collect } from '../contract/provider-contract.js';
import { rejectionOf } from '../helpers/scm-http.js';
import type { GitHubScenario } from '../twins/github/scenario.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import {
  acmeRepositoryCount,
  githubScenario,
  startGitHubHarness,
  type GitHubHarness,
} from './github-harness.js';

/** The contract scenario plus an empty repository, a repository with a large id, and an install on a user. */
function scenario(privateKey: string): GitHubScenario {
  const base = githubScenario(privateKey);
  const [acme, ...orgs] = base.orgs;
  return {
    ...base,
    orgs: [
      {
        ...acme!,
        repos: [
          ...acme!.repos!,
          { name: 'empty-repo', id: 7004, empty: true },
          { name: 'big-id', id: Number.MAX_SAFE_INTEGER },
        ],
      },
      ...orgs,
    ],
    installations: [
      ...base.installations!,
      { id: 4005, app: 'acme-scanner', account: 'dev-dana', repository_selection: 'all' },
    ],
  };
}

const repositoryCount = acmeRepositoryCount + 2;
const acmeOrg: ScmOrganization = { externalId: '5001', name: 'acme', webUrl: 'unused' };
const dana = { id: '1002', login: 'dev-dana', type: 'User' } as const;
const integerString = /^[1-9][0-9]*$/;

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

const row = (report: TestReport, id: string) => report.capabilities.find((r) => r.id === id)!;

const template = (name: string, content = 'name: scan\non: [pull_request]\n'): CiTemplate => ({
  path: '.github/workflows/scan.yml',
  content,
  branch: `scanner/${name}`,
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
});

describe.each(['cloud', 'enterprise'] as const)('GitHub provider (%s)', (flavor) => {
  let harness: GitHubHarness;
  const tokenPath = () => `${flavor === 'enterprise' ? '/api/v3' : ''}/app/installations/4001/access_tokens`;

  beforeAll(async () => {
    harness = await startGitHubHarness(flavor, scenario);
  });
  afterAll(() => harness.close());

  it('validates the installation: the bot identity, the organization and (on GHES) the server version', async () => {
    const validated = await harness.provider().validate();
    expect(validated).toEqual({
      identity: { id: '40003001', login: 'acme-scanner[bot]' },
      organization: { externalId: '5001', name: 'acme', webUrl: `${harness.twin.webUrl}/acme` },
      ...(flavor === 'enterprise' ? { serverVersion: harness.twin.version } : {}),
    });
    const report = await harness.provider().testConnection();
    checkHealthyReport(report);
    expect(report.serverVersion).toBe(flavor === 'enterprise' ? harness.twin.version : undefined);
  });

  it('mints one installation token for many calls', async () => {
    const provider = harness.provider({ clients: harness.freshClients() });
    const before = harness.twin.count(tokenPath(), 'POST');
    await collect(provider.listRepositories(acmeOrg));
    await collect(provider.members!.listMembers(acmeOrg));
    await provider.comments!.identity();
    await collect(
      provider.comments!.listComments({
        repository: { externalId: '7001', fullName: 'acme/web-shop' },
        number: 1,
      }),
    );
    await provider.testConnection();
    expect(harness.twin.count(tokenPath(), 'POST') - before).toBe(1);
  });

  it('lists every repository of the installation page by page, with ids as integer strings', async () => {
    const provider = harness.provider();
    const [org] = await collect(provider.listOrganizations());
    expect(org).toEqual({ externalId: '5001', name: 'acme', webUrl: `${harness.twin.webUrl}/acme` });
    const repos = await collect(provider.listRepositories(org!));
    expect(repos).toHaveLength(repositoryCount);
    expect(repos.every((repo) => integerString.test(repo.externalId))).toBe(true);
    expect(repos.find((repo) => repo.name === 'big-id')?.externalId).toBe('9007199254740991');
    expect(repos.find((repo) => repo.name === 'legacy-cms')).toMatchObject({
      externalId: '7003',
      fullName: 'acme/legacy-cms',
      archived: true,
      defaultBranch: 'master',
      visibility: 'public',
    });
    // The listing has no sign of emptiness; GitHub still names a default branch.
    expect(repos.find((repo) => repo.name === 'empty-repo')?.defaultBranch).toBe('main');
    const pages = harness.twin.log.filter((r) => r.path.endsWith('/installation/repositories'));
    expect(pages.at(-1)?.query).toContain('per_page=100');
  });

  it('refuses an organization the installation is not on', async () => {
    const other = { externalId: '5002', name: 'acme-labs' };
    const error = scmError(await rejectionOf(collect(harness.provider().listRepositories(other))));
    expect([error.kind, error.code]).toEqual(['not-found', 'target_not_found']);
  });

  it('lists organization members once each, owners as admin', async () => {
    const members = await collect(harness.provider().members!.listMembers(acmeOrg));
    expect(members.sort((a, b) => a.login.localeCompare(b.login))).toEqual([
      { externalId: '1002', login: 'dev-dana', role: 'member', scmRole: 'member' },
      { externalId: '1001', login: 'octo-admin', role: 'admin', scmRole: 'owner' },
      { externalId: '1003', login: 'ops-omar', role: 'member', scmRole: 'member' },
    ]);
    const calls = harness.twin.log.filter((r) => r.path.endsWith('/orgs/acme/members')).slice(-2);
    expect(calls.map((r) => new URLSearchParams(r.query).get('role'))).toEqual(['admin', 'all']);
  });

  it('treats an installation on a user account as that user alone, as admin', async () => {
    const provider = harness.provider({ installationId: '4005', account: dana });
    const [org] = await collect(provider.listOrganizations());
    expect(org).toEqual({ externalId: '1002', name: 'dev-dana', webUrl: `${harness.twin.webUrl}/dev-dana` });
    expect(await collect(provider.members!.listMembers(org!))).toEqual([
      { externalId: '1002', login: 'dev-dana', role: 'admin', scmRole: 'owner' },
    ]);
    const report = await provider.testConnection();
    checkTestReport(report);
    expect(row(report, 'read-members').status).toBe('ok');
  });

  it('reports permissions the installation lacks, with the page where an owner accepts them', async () => {
    const installation = harness.twin.state.installations.get(4001)!;
    const saved = installation.permissions;
    installation.permissions = { metadata: 'read', contents: 'write', pull_requests: 'write' };
    try {
      const report = await harness.provider({ clients: harness.freshClients() }).testConnection();
      checkTestReport(report);
      expect(report.ok).toBe(false);
      expect(report.scopes?.missing).toEqual([
        'members:read',
        'workflows:write',
        'checks:write',
        'secrets:write',
      ]);
      const settings = `${harness.twin.webUrl}/organizations/acme/settings/installations/4001`;
      expect(report.target).toMatchObject({ status: 'fail', code: 'insufficient_permissions' });
      expect(report.target.fix).toContain(settings);
      expect(row(report, 'read-members')).toMatchObject({
        status: 'fail',
        message: 'The installation lacks `members: read`, needed to read the organization members.',
      });
      expect(row(report, 'read-members').fix).toBe(
        `An owner of \`acme\` must accept the new permissions in the organization's installed-app settings at ${settings}.`,
      );
      expect(row(report, 'write-ci-files')).toMatchObject({ status: 'fail' });
      expect(row(report, 'list-repositories').status).toBe('ok');
      // Comments need pull requests; their status is a check run, which needs checks.
      expect(row(report, 'comment-on-pull-requests')).toMatchObject({
        status: 'fail',
        message:
          'The installation lacks `checks: write`, needed to comment on pull requests and report their status.',
      });
    } finally {
      installation.permissions = saved;
    }
  });

  it("asks the app's owner to add a permission the app does not request", async () => {
    const app = harness.twin.app('acme-scanner');
    const installation = harness.twin.state.installations.get(4001)!;
    const saved = [app.permissions, installation.permissions] as const;
    const { secrets: _secrets, ...withoutSecrets } = app.permissions;
    app.permissions = withoutSecrets;
    installation.permissions = withoutSecrets;
    try {
      const report = await harness.provider({ clients: harness.freshClients() }).testConnection();
      expect(report.scopes?.missing).toEqual(['secrets:write']);
      expect(report.target.fix).toBe(
        `Add \`secrets: write\` to the GitHub App's permissions at ${harness.twin.webUrl}/organizations/acme/settings/apps/acme-scanner, then accept the new permissions in the organization's installed-app settings at ${harness.twin.webUrl}/organizations/acme/settings/installations/4001.`,
      );
    } finally {
      [app.permissions, installation.permissions] = saved;
    }
  });

  it('reports and refuses a suspended installation', async () => {
    const installation = harness.twin.state.installations.get(4001)!;
    installation.suspendedAt = new Date().toISOString();
    try {
      const provider = harness.provider({ clients: harness.freshClients() });
      const report = await provider.testConnection();
      checkTestReport(report);
      expect(report.ok).toBe(false);
      expect(report.target).toMatchObject({ status: 'fail', code: 'installation_suspended' });
      expect(report.target.fix).toContain('/organizations/acme/settings/installations/4001');
      const listing = scmError(await rejectionOf(collect(provider.listRepositories(acmeOrg))));
      expect([listing.kind, listing.code]).toEqual(['forbidden', 'installation_suspended']);
      const validation = scmError(await rejectionOf(provider.validate()));
      expect([validation.kind, validation.code]).toEqual(['forbidden', 'installation_suspended']);
      // A token minted before the suspension is refused as well, and told the same way.
      const cached = harness.provider();
      const refused = scmError(await rejectionOf(collect(cached.members!.listMembers(acmeOrg))));
      expect(refused.code).toBe('installation_suspended');
    } finally {
      installation.suspendedAt = null;
    }
  });

  it('reports and refuses an uninstalled installation, naming the install link', async () => {
    const installations = harness.twin.state.installations;
    const installation = installations.get(4001)!;
    installations.delete(4001);
    try {
      const provider = harness.provider({ clients: harness.freshClients() });
      const report = await provider.testConnection();
      checkTestReport(report);
      expect(report.ok).toBe(false);
      expect(report.target).toMatchObject({ status: 'fail', code: 'installation_not_found' });
      const install = `${harness.twin.webUrl}/${flavor === 'cloud' ? 'apps' : 'github-apps'}/acme-scanner/installations/new`;
      expect(report.target.fix).toContain(install);
      const error = scmError(await rejectionOf(provider.validate()));
      expect([error.kind, error.code]).toEqual(['auth', 'installation_not_found']);
      const listing = scmError(await rejectionOf(collect(harness.provider().listRepositories(acmeOrg))));
      expect([listing.kind, listing.code]).toEqual(['auth', 'installation_not_found']);
    } finally {
      installations.set(4001, installation);
    }
  });

  it("reports an app key GitHub does not accept, without GitHub's words", async () => {
    const provider = harness.provider({ clients: harness.freshClients('acme-scanner', testPrivateKey()) });
    const report = await provider.testConnection();
    checkTestReport(report);
    expect(report.ok).toBe(false);
    expect(report.reachable.status).toBe('ok');
    expect(report.identity).toBeUndefined();
    expect(report.target).toMatchObject({ status: 'fail', code: 'invalid_credentials' });
    expect(report.target.fix).toMatch(/private key/);
    expect(JSON.stringify(report)).not.toMatch(/JSON web token/);
    const error = scmError(await rejectionOf(provider.validate()));
    expect([error.kind, error.code]).toEqual(['auth', 'invalid_credentials']);
    expect(error.message).not.toMatch(/JSON web token/);
  });

  it("warns when the app has no webhook URL, and reads the app's webhook with the JWT", async () => {
    const app = harness.twin.app('acme-scanner');
    const saved = app.webhookUrl;
    app.webhookUrl = null;
    try {
      const report = await harness.provider().testConnection();
      expect(row(report, 'receive-webhooks')).toMatchObject({ status: 'warn' });
      expect(row(report, 'receive-webhooks').fix).toContain('/organizations/acme/settings/apps/acme-scanner');
      expect(report.ok).toBe(true);
    } finally {
      app.webhookUrl = saved;
    }
    expect(harness.twin.log.some((r) => r.path.endsWith('/app/hook/config'))).toBe(true);
  });

  it('refuses an inline comment off the diff as invalid, and finds inline comments by their thread', async () => {
    const comments = harness.provider().comments!;
    const pr = { repository: { externalId: '7001', fullName: 'acme/web-shop' }, number: 1 };
    const headSha = harness.twin.state.pull(harness.twin.state.requireRepo('acme/web-shop'), 1)!.headSha;
    const error = scmError(
      await rejectionOf(
        comments.createInlineComment!(pr, { path: 'src/app.js', line: 9, commitSha: headSha }, 'x'),
      ),
    );
    expect([error.kind, error.code, error.status]).toEqual(['invalid', 'line_not_in_diff', 422]);
    const created = await comments.createInlineComment!(
      pr,
      { path: 'src/app.js', line: 2, commitSha: headSha },
      'y',
    );
    expect(created.threadId).toBe(created.id);
    expect(integerString.test(created.id)).toBe(true);
    await comments.deleteComment(pr, created);
    await comments.deleteComment(pr, created);
    const tooLong = scmError(await rejectionOf(comments.createComment(pr, 'x'.repeat(65_537))));
    expect(tooLong.code).toBe('comment_too_long');
  });

  it('proposes nothing when the default branch already has the CI file', async () => {
    const ci = harness.provider().ci!;
    const repo = harness.twin.state.requireRepo('acme/web-shop');
    const wanted = template('present', 'name: present\n');
    harness.twin.state.commit(
      repo,
      'main',
      'Add scan',
      new Map([[wanted.path, Buffer.from(wanted.content)]]),
    );
    const before = harness.twin.count(undefined, 'POST');
    const result = await ci.ensureCiJob(
      { externalId: '7001', fullName: 'acme/web-shop', defaultBranch: 'main' },
      wanted,
    );
    expect(result).toEqual({ outcome: 'present' });
    expect(harness.twin.count(undefined, 'POST')).toBe(before);
  });

  it('rejects an empty repository as not-found', async () => {
    const error = scmError(
      await rejectionOf(
        harness
          .provider()
          .ci!.ensureCiJob(
            { externalId: '7004', fullName: 'acme/empty-repo', defaultBranch: 'main' },
            template('empty'),
          ),
      ),
    );
    expect([error.kind, error.code]).toEqual(['not-found', 'repository_empty']);
  });

  it('opens a new pull request when ours was closed, on the branch it left', async () => {
    const ci = harness.provider().ci!;
    const target = { externalId: '7002', fullName: 'acme/payments', defaultBranch: 'main' };
    const first = await ci.ensureCiJob(target, template('reopen'));
    expect(first.outcome).toBe('opened');
    const repo = harness.twin.state.requireRepo('acme/payments');
    harness.twin.state.pull(repo, first.pullRequest!.number)!.state = 'closed';
    const second = await ci.ensureCiJob(target, template('reopen'));
    expect(second.outcome).toBe('opened');
    expect(second.pullRequest!.number).not.toBe(first.pullRequest!.number);
    const third = await ci.ensureCiJob(target, template('reopen'));
    expect(third).toEqual({ ...second, outcome: 'unchanged' });
  });

  it('refuses a workflow file without the `workflows` permission, naming it', async () => {
    const installation = harness.twin.state.installations.get(4001)!;
    const saved = installation.permissions;
    const { workflows: _workflows, ...withoutWorkflows } = saved;
    installation.permissions = withoutWorkflows;
    try {
      const ci = harness.provider({ clients: harness.freshClients() }).ci!;
      const error = scmError(
        await rejectionOf(
          ci.ensureCiJob(
            { externalId: '7001', fullName: 'acme/web-shop', defaultBranch: 'main' },
            template('no-workflows'),
          ),
        ),
      );
      expect([error.kind, error.code]).toEqual(['forbidden', 'workflows_permission']);
      expect(error.fix).toContain('workflows=write');
    } finally {
      installation.permissions = saved;
    }
  });

  it('lists comments of the pull request with their authors', async () => {
    const comments = harness.provider().comments!;
    const pr = { repository: { externalId: '7001', fullName: 'acme/web-shop' }, number: 1 };
    const listed = await collect(comments.listComments(pr));
    expect(listed[0]).toMatchObject({ body: 'Looks good to me.', author: { id: '1003', login: 'ops-omar' } });
    expect(listed.every((c) => integerString.test(c.id))).toBe(true);
  });
});
