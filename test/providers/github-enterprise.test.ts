import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScmError } from '../../src/scm/errors.js';
import type { CiTemplate, ScmOrganizationRef, TestReport } from '../../src/scm/provider.js';
import { checkHealthyReport, checkTestReport, collect } from '../contract/provider-contract.js';
import { rejectionOf } from '../helpers/scm-http.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import {
  acmeInstallation,
  labsInstallation,
  startEnterpriseHarness,
  type EnterpriseHarness,
} from './github-enterprise-harness.js';
import { acmeRepositoryCount } from './github-harness.js';

const acmeOrg: ScmOrganizationRef = { externalId: '5001', name: 'acme' };
const labsOrg: ScmOrganizationRef = { externalId: '5002', name: 'acme-labs' };
const bot = { id: '40003001', login: 'acme-scanner[bot]' };

const scmError = (error: unknown): ScmError => {
  expect(error).toBeInstanceOf(ScmError);
  return error as ScmError;
};

const row = (report: TestReport, id: string) => report.capabilities.find((r) => r.id === id)!;

const template = (name: string): CiTemplate => ({
  path: '.github/workflows/scan.yml',
  content: 'name: scan\non: [pull_request]\n',
  branch: `scanner/${name}`,
  commitMessage: 'Add the scanner CI job',
  pullRequest: { title: 'Add code scanning', description: 'Adds the scanner CI job.' },
});

describe('GitHub Enterprise Server connection: one app, several installations', () => {
  let harness: EnterpriseHarness;
  const tokenRequests = (installationId: string) =>
    harness.twin.count(`/api/v3/app/installations/${installationId}/access_tokens`, 'POST');
  const installPage = () => `${harness.twin.webUrl}/github-apps/acme-scanner/installations/new`;

  beforeAll(async () => {
    harness = await startEnterpriseHarness();
  });
  afterAll(() => harness.close());

  it('lists the organization of each installation, the owner first', async () => {
    const organizations = await collect(harness.enterprise().listOrganizations());
    expect(organizations).toEqual([
      { externalId: '5001', name: 'acme', webUrl: `${harness.twin.webUrl}/acme` },
      { externalId: '5002', name: 'acme-labs', webUrl: `${harness.twin.webUrl}/acme-labs` },
    ]);
  });

  it('lists repositories through the installation on the organization, and refuses an organization of none', async () => {
    const provider = harness.enterprise();
    expect(await collect(provider.listRepositories(acmeOrg))).toHaveLength(acmeRepositoryCount);
    const labs = await collect(provider.listRepositories(labsOrg));
    expect(labs.map(({ externalId, fullName }) => ({ externalId, fullName }))).toEqual([
      { externalId: '7101', fullName: 'acme-labs/experiments' },
    ]);
    const error = scmError(
      await rejectionOf(collect(provider.listRepositories({ externalId: '1002', name: 'dev-dana' }))),
    );
    expect([error.kind, error.code]).toEqual(['not-found', 'target_not_found']);
    expect(error.message).toContain('`dev-dana`');
    expect(error.fix).toContain(installPage());
  });

  it('lists the members of each organization through its installation', async () => {
    const members = harness.enterprise().members!;
    expect(await collect(members.listMembers(acmeOrg))).toHaveLength(3);
    const labs = await collect(members.listMembers(labsOrg));
    expect(labs.sort((a, b) => a.login.localeCompare(b.login))).toEqual([
      { externalId: '1002', login: 'dev-dana', role: 'admin', scmRole: 'owner' },
      { externalId: '1001', login: 'octo-admin', role: 'admin', scmRole: 'owner' },
    ]);
    const refused = scmError(
      await rejectionOf(collect(members.listMembers({ externalId: '9999', name: 'other' }))),
    );
    expect(refused.code).toBe('target_not_found');
  });

  it("comments and proposes a CI file on the second organization's repository as its installation", async () => {
    const provider = harness.enterprise({ clients: harness.freshClients() });
    const [acmeBefore, labsBefore] = [tokenRequests('4001'), tokenRequests('4004')];
    const pr = { repository: { externalId: '7101', fullName: 'acme-labs/experiments' }, number: 1 };
    const comment = await provider.comments!.createComment(pr, 'Found 1 issue.');
    expect(comment.author).toEqual(bot);
    const headSha = harness.twin.state.pull(
      harness.twin.state.requireRepo('acme-labs/experiments'),
      1,
    )!.headSha;
    const inline = await provider.comments!.createInlineComment!(
      pr,
      { path: 'src/parser.js', line: 2, commitSha: headSha },
      'Do not eval input.',
    );
    expect((await collect(provider.comments!.listInlineComments!(pr))).map((c) => c.id)).toContain(inline.id);
    await provider.comments!.deleteComment(pr, comment);
    const ci = await provider.ci!.ensureCiJob(
      { externalId: '7101', fullName: 'acme-labs/experiments', defaultBranch: 'main' },
      template('labs'),
    );
    expect(ci.outcome).toBe('opened');
    expect(ci.pullRequest!.webUrl).toContain('/acme-labs/experiments/pull/');
    // Everything went through the installation on `acme-labs`, with one token; none through `acme`'s.
    expect([tokenRequests('4001') - acmeBefore, tokenRequests('4004') - labsBefore]).toEqual([0, 1]);
  });

  it('refuses a repository whose owner has no installation, naming the install page', async () => {
    const provider = harness.enterprise();
    const pr = { repository: { externalId: '1', fullName: 'dev-dana/notes' }, number: 1 };
    const error = scmError(await rejectionOf(provider.comments!.createComment(pr, 'x')));
    expect([error.kind, error.code]).toEqual(['not-found', 'target_not_found']);
    expect(error.fix).toBe(
      `Install the app on \`dev-dana\` at ${installPage()}, so that the organization joins this connection.`,
    );
    const listing = scmError(await rejectionOf(collect(provider.comments!.listComments(pr))));
    expect(listing.code).toBe('target_not_found');
    const ci = scmError(
      await rejectionOf(
        provider.ci!.ensureCiJob({ ...pr.repository, defaultBranch: 'main' }, template('nowhere')),
      ),
    );
    expect(ci.code).toBe('target_not_found');
  });

  it('links files on the instance', () => {
    const url = harness.enterprise().fileUrl({
      repository: { fullName: 'acme-labs/experiments' },
      commitSha: '0123456789abcdef0123456789abcdef01234567',
      path: 'src/parser.js',
      startLine: 2,
    });
    expect(url).toBe(
      `${harness.twin.webUrl}/acme-labs/experiments/blob/0123456789abcdef0123456789abcdef01234567/src/parser.js#L2`,
    );
  });

  it('tests the connection as one report over both installations', async () => {
    const report = await harness.enterprise().testConnection();
    checkHealthyReport(report);
    expect(report.status).toBe('ok');
    expect(report.serverVersion).toBe(harness.twin.version);
    expect(report.reachable.message).toContain(`GitHub Enterprise Server ${harness.twin.version}`);
    expect(report.identity).toEqual(bot);
    expect(report.target.message).toBe(
      'The app is installed on 2 organizations: `acme` (all repositories), `acme-labs` (all repositories).',
    );
    expect(report.scopes?.missing).toEqual([]);
    expect(row(report, 'list-repositories').message).toContain('`acme-labs`');
    expect(row(report, 'list-repositories').message).toContain('`acme`');
    expect(row(report, 'comment-on-pull-requests').message).toContain('acme-scanner[bot]');
  });

  it('warns when one installation is suspended, naming it and where to unsuspend it', async () => {
    const installation = harness.twin.state.installations.get(4004)!;
    installation.suspendedAt = new Date().toISOString();
    try {
      const provider = harness.enterprise({ clients: harness.freshClients() });
      const report = await provider.testConnection();
      checkTestReport(report);
      expect([report.ok, report.status, report.target.status]).toEqual([true, 'warn', 'warn']);
      expect(report.target.message).toBe(
        'The app is installed on 2 organizations, 1 of them needs attention: `acme` (all repositories), `acme-labs` (suspended).',
      );
      expect(report.target.fix).toContain('/organizations/acme-labs/settings/installations/4004');
      expect(report.capabilities.every((r) => r.status === 'ok')).toBe(true);
      expect(row(report, 'list-repositories').message).toBe(
        '153 repositories of `acme` are readable (all repositories). Not checked on `acme-labs`.',
      );
      // The organization stays in the connection; calls made as the suspended installation are refused.
      expect((await collect(provider.listOrganizations())).map((o) => o.name)).toEqual(['acme', 'acme-labs']);
      const error = scmError(await rejectionOf(collect(provider.listRepositories(labsOrg))));
      expect(error.code).toBe('installation_suspended');
      expect(await collect(provider.listRepositories(acmeOrg))).toHaveLength(acmeRepositoryCount);
    } finally {
      installation.suspendedAt = null;
    }
  });

  it('merges capability rows: the worst wins, naming its organization; missing permissions are the union', async () => {
    const installation = harness.twin.state.installations.get(4004)!;
    const saved = installation.permissions;
    const { members: _members, ...withoutMembers } = saved;
    installation.permissions = withoutMembers;
    try {
      const report = await harness.enterprise({ clients: harness.freshClients() }).testConnection();
      checkTestReport(report);
      expect(report.ok).toBe(false);
      expect(report.scopes?.missing).toEqual(['members:read']);
      expect(report.target.status).toBe('warn');
      expect(report.target.message).toContain('`acme-labs` (all repositories, without `members: read`)');
      expect(row(report, 'read-members')).toMatchObject({
        status: 'fail',
        code: 'insufficient_permissions',
        message:
          'The installation lacks `members: read`, needed to read the organization members (on `acme-labs`).',
      });
      expect(row(report, 'read-members').fix).toContain(
        '/organizations/acme-labs/settings/installations/4004',
      );
      expect(row(report, 'list-repositories').status).toBe('ok');
    } finally {
      installation.permissions = saved;
    }
  });

  it('keeps syncing the other organizations when one installation is removed', async () => {
    const installations = harness.twin.state.installations;
    const removed = installations.get(4001)!;
    installations.delete(4001);
    try {
      const provider = harness.enterprise({ clients: harness.freshClients() });
      const organizations = await collect(provider.listOrganizations());
      expect(organizations.map((o) => o.name)).toEqual(['acme-labs']);
      expect(await collect(provider.listRepositories(organizations[0]!))).toHaveLength(1);
      expect(await provider.comments!.identity()).toEqual(bot);
      const report = await provider.testConnection();
      checkTestReport(report);
      expect([report.ok, report.target.status]).toEqual([true, 'warn']);
      expect(report.target.message).toContain('`acme` (no longer installed), `acme-labs` (all repositories)');
      expect(report.target.fix).toContain(installPage());
      // The owner organization's installation is what the connection was validated with.
      const error = scmError(await rejectionOf(provider.validate()));
      expect(error.code).toBe('installation_not_found');
    } finally {
      installations.set(4001, removed);
    }
  });

  it('fails listing and the report when every installation is removed', async () => {
    const installations = harness.twin.state.installations;
    const saved = [installations.get(4001)!, installations.get(4004)!] as const;
    installations.delete(4001);
    installations.delete(4004);
    try {
      const provider = harness.enterprise({ clients: harness.freshClients() });
      const error = scmError(await rejectionOf(collect(provider.listOrganizations())));
      expect([error.kind, error.code]).toEqual(['auth', 'installation_not_found']);
      const report = await provider.testConnection();
      checkTestReport(report);
      expect(report.ok).toBe(false);
      expect(report.target).toMatchObject({ status: 'fail', code: 'installation_not_found' });
      expect(report.target.message).toContain('none of them is usable');
      expect(report.target.fix).toContain(installPage());
    } finally {
      for (const installation of saved) installations.set(installation.id, installation);
    }
  });

  it('reports an app that is registered but not installed yet, with its install page', async () => {
    const provider = harness.enterprise({ installations: [] });
    const report = await provider.testConnection();
    checkTestReport(report);
    expect(report.ok).toBe(false);
    expect(report.reachable.status).toBe('ok');
    expect(report.serverVersion).toBe(harness.twin.version);
    expect(report.target).toMatchObject({ status: 'fail', code: 'app_not_installed' });
    expect(report.target.message).toContain('`acme-scanner` is registered');
    expect(report.target.fix).toContain(installPage());
    expect(await collect(provider.listOrganizations())).toEqual([]);
    const error = scmError(await rejectionOf(provider.validate()));
    expect([error.kind, error.code]).toEqual(['not-found', 'app_not_installed']);
    expect(error.fix).toContain(installPage());
    expect(scmError(await rejectionOf(provider.comments!.identity())).code).toBe('app_not_installed');
  });

  it('validates with the owner organization and the bot', async () => {
    expect(await harness.enterprise().validate()).toEqual({
      identity: bot,
      organization: { externalId: '5001', name: 'acme', webUrl: `${harness.twin.webUrl}/acme` },
      serverVersion: harness.twin.version,
    });
    const labsFirst = await harness
      .enterprise({ installations: [labsInstallation, acmeInstallation] })
      .validate();
    expect(labsFirst.organization.name).toBe('acme-labs');
  });

  it("reports an app key the instance refuses once, for the connection, without GitHub's words", async () => {
    const clients = harness.freshClients('acme-scanner', testPrivateKey());
    const before = harness.twin.count('/api/v3/app', 'GET');
    const report = await harness.enterprise({ clients }).testConnection();
    checkTestReport(report);
    expect(report.ok).toBe(false);
    expect(report.target).toMatchObject({ status: 'fail', code: 'invalid_credentials' });
    expect(report.target.fix).toMatch(/private key/);
    expect(JSON.stringify(report)).not.toMatch(/JSON web token/);
    // The key is checked once (GET /app), not once per installation.
    expect(harness.twin.count('/api/v3/app', 'GET') - before).toBe(1);
  });
});
