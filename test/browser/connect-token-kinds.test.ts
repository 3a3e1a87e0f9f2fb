import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { findScmKind, type ScmKindId } from '../../src/core/scm-kinds.js';
import { startTestService } from '../helpers/service.js';
import {
  demoAzureDevOpsScenario,
  startAzureDevOpsTwin,
  type AzureDevOpsTwin,
} from '../twins/azure-devops/index.js';
import {
  demoBitbucketCloudScenario,
  startBitbucketCloudTwin,
  type BitbucketCloudTwin,
} from '../twins/bitbucket-cloud/index.js';
import {
  demoBitbucketDataCenterScenario,
  startBitbucketDataCenterTwin,
  type BitbucketDataCenterTwin,
} from '../twins/bitbucket-data-center/index.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const admin = {
  name: 'Ada Admin',
  email: 'ada@example.com',
  password: 'correct horse battery staple 42',
  accountName: 'Acme Security',
};

/** A repository name an attacker-run SCM could send: it must stay text. */
const hostileName = '<img src=x onerror=alert(1)>';

/** The self-managed GitLab has a group with more repositories than one page of the Projects list. */
const generatedCount = 60;

const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'detached' });

/** Collects uncaught page errors, console errors and dialogs (an `alert` would mean injected script ran). */
const watchErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
};

interface KindCase {
  readonly kind: ScmKindId;
  /** Field id → value, typed into the field labelled as in `scmKinds`. */
  readonly values: () => Readonly<Record<string, string>>;
  /** The connection's name: the server names a connection after its target. */
  readonly name: string;
  /** Repository names this connection brings to the Projects page. */
  readonly repositories: readonly string[];
}

describe.skipIf(skipReason !== null)('connecting the token-based kinds in the browser', () => {
  let gitlab: GitLabTwin;
  let gitlabSelfManaged: GitLabTwin;
  let bitbucketCloud: BitbucketCloudTwin;
  let bitbucketDataCenter: BitbucketDataCenterTwin;
  let azureDevOps: AzureDevOpsTwin;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const cases: readonly KindCase[] = [
    {
      kind: 'gitlab',
      values: () => ({ token: 'glpat-demo-alice-api', group: 'acme' }),
      name: 'acme',
      repositories: ['website', 'api', 'billing'],
    },
    {
      kind: 'gitlab-self-managed',
      values: () => ({ token: 'glpat-demo-alice-api', baseUrl: gitlabSelfManaged.url, group: 'platform' }),
      name: 'platform',
      repositories: ['service-00001'],
    },
    {
      kind: 'bitbucket-cloud',
      values: () => ({ workspace: 'acme', token: 'bbwat-demo-full' }),
      name: 'acme',
      repositories: ['website', 'infra'],
    },
    {
      kind: 'bitbucket-data-center',
      values: () => ({
        projectKey: 'SHOP',
        baseUrl: bitbucketDataCenter.baseUrl,
        token: 'bbdc-project-admin-token',
      }),
      name: 'SHOP',
      repositories: ['Web', 'API', hostileName],
    },
    {
      kind: 'azure-devops',
      values: () => ({ organization: 'contoso', token: 'ado-scanner-pat' }),
      name: 'contoso',
      repositories: ['web', 'api'],
    },
  ];

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const kindOf = (id: ScmKindId) => findScmKind(id)!;
  const rowLabel = (item: KindCase) => `${kindOf(item.kind).name}: ${item.name}`;
  const connectionRow = (item: KindCase) =>
    page
      .getByRole('list', { name: 'Connections' })
      .getByRole('listitem', { name: rowLabel(item), exact: true });
  const organizationRows = (item: KindCase) =>
    page
      .getByRole('table', { name: 'Source code organizations' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: kindOf(item.kind).name, exact: true }) });
  const repositoryTable = () => page.getByRole('table', { name: 'Repositories' });
  const repositoryName = (name: string) => repositoryTable().getByText(name, { exact: true });
  const selectConnection = (item: KindCase) =>
    page
      .getByLabel('Connection', { exact: true })
      .selectOption({ label: `${kindOf(item.kind).name} · ${item.name}` });
  const fieldLabel = (kind: ScmKindId, fieldId: string) => {
    const field = kindOf(kind).fields.find((candidate) => candidate.id === fieldId)!;
    return field.optional ? `${field.label} (optional)` : field.label;
  };

  /** Opens a kind's dialog and types `values` into its fields. */
  const openAndFill = async (item: KindCase, values: Readonly<Record<string, string>>) => {
    const kind = kindOf(item.kind);
    await page.getByRole('button', { name: kind.addLabel, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: kind.dialogTitle });
    await visible(dialog);
    for (const [fieldId, value] of Object.entries(values)) {
      await dialog.getByLabel(fieldLabel(item.kind, fieldId), { exact: true }).fill(value);
    }
    return dialog;
  };

  beforeAll(async () => {
    const selfManagedScenario = demoGitLabScenario();
    const bitbucketDataCenterScenario = demoBitbucketDataCenterScenario();
    [gitlab, gitlabSelfManaged, bitbucketCloud, bitbucketDataCenter, azureDevOps] = await Promise.all([
      startGitLabTwin(demoGitLabScenario()),
      startGitLabTwin({
        ...selfManagedScenario,
        groups: [
          ...selfManagedScenario.groups,
          {
            id: 300,
            path: 'platform',
            name: 'Platform',
            members: [{ user: 'alice', accessLevel: 50 }],
            generatedProjects: { count: generatedCount, prefix: 'service', archivedEvery: 20 },
          },
        ],
      }),
      startBitbucketCloudTwin(demoBitbucketCloudScenario()),
      startBitbucketDataCenterTwin({
        ...bitbucketDataCenterScenario,
        projects: bitbucketDataCenterScenario.projects.map((project) =>
          project.key === 'SHOP'
            ? {
                ...project,
                repositories: [...(project.repositories ?? []), { slug: 'hostile', name: hostileName }],
              }
            : project,
        ),
      }),
      startAzureDevOpsTwin(demoAzureDevOpsScenario()),
      ensureWebBuild(),
    ]);
    [service, browser] = await Promise.all([
      startTestService({
        SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
        SCM_CONNECT_ALLOW_HTTP: 'true',
        SCM_CONNECT_GITLAB_URL: gitlab.url,
        SCM_CONNECT_BITBUCKET_API_URL: bitbucketCloud.url,
        SCM_CONNECT_BITBUCKET_WEB_URL: bitbucketCloud.url,
        SCM_CONNECT_AZURE_DEVOPS_URL: azureDevOps.url,
      }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await Promise.all(
      [gitlab, gitlabSelfManaged, bitbucketCloud, bitbucketDataCenter, azureDevOps].map((twin) =>
        twin?.close(),
      ),
    );
  });

  it('sets up the first admin and opens Settings > Source Code Managers', async () => {
    await page.goto(service.setupUrl!);
    await page.getByLabel('Your name').fill(admin.name);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Account name').fill(admin.accountName);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL((url) => url.pathname === '/projects');
    await nav('Settings').click();
    await visible(page.getByText('No source code managers connected yet'));
  });

  it("shows the server's refusal of a wrong token in the dialog and keeps what was typed", async () => {
    const item = cases[0]!;
    const dialog = await openAndFill(item, { ...item.values(), token: 'glpat-not-a-real-token' });
    const token = dialog.getByLabel(fieldLabel(item.kind, 'token'), { exact: true });
    expect(await token.getAttribute('type')).toBe('password');
    expect(await token.getAttribute('autocomplete')).toBe('off');
    const answer = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().endsWith('/connections'),
    );
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    const refused = await answer;
    const body = (await refused.json()) as { code: string; message: string };
    expect({ status: refused.status(), code: body.code }).toEqual({
      status: 422,
      code: 'invalid_credentials',
    });
    await visible(dialog.getByRole('alert'));
    // The server's message, its `code` spans shown as code.
    expect(await dialog.getByRole('alert').textContent()).toBe(body.message.replaceAll('`', ''));
    expect(await dialog.getByLabel(fieldLabel(item.kind, 'group'), { exact: true }).inputValue()).toBe(
      'acme',
    );
    expect(await token.inputValue()).toBe('glpat-not-a-real-token');
    await saveScreenshot(page, 'connect-01-wrong-token');
    await page.keyboard.press('Escape');
    await gone(dialog);
    await visible(page.getByText('No source code managers connected yet'));
  });

  it('connects each of the five kinds through its dialog', async () => {
    for (const item of cases) {
      const kind = kindOf(item.kind);
      const dialog = await openAndFill(item, item.values());
      const token = dialog.getByLabel(fieldLabel(item.kind, 'token'), { exact: true });
      expect(await token.getAttribute('type')).toBe('password');
      expect(await token.getAttribute('autocomplete')).toBe('off');
      const caField = dialog.getByLabel('CA certificate (PEM)', { exact: true });
      expect(await caField.count()).toBe(kind.hosting === 'self-managed' ? 1 : 0);
      if (item.kind === 'bitbucket-cloud') {
        expect(await dialog.getByLabel(fieldLabel(item.kind, 'email'), { exact: true }).inputValue()).toBe(
          '',
        );
      }
      if (item.kind === 'bitbucket-data-center') await saveScreenshot(page, 'connect-02-dialog');
      await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
      await gone(dialog);
      const row = connectionRow(item);
      await visible(row);
      await visible(row.getByText('Connected', { exact: true }));
    }
    await saveScreenshot(page, 'connect-03-five-connections');
  });

  it('syncs each connection and lists its organization under Source code organizations', async () => {
    for (const item of cases) {
      const row = connectionRow(item);
      const started = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().endsWith('/sync'),
      );
      await row.getByRole('button', { name: 'Sync now' }).click();
      expect((await started).status()).toBe(202);
      await visible(row.getByRole('button', { name: 'Sync now' }));
      expect(await row.getByRole('alert').count()).toBe(0);
      await visible(row.getByText(/^\d+ repositor(y|ies) · Last synced /));
      await visible(organizationRows(item).first());
      expect(await organizationRows(item).count()).toBe(1);
    }
    await saveScreenshot(page, 'connect-04-synced');
  });

  it('tests a connection and shows the report, check by check', async () => {
    const item = cases[0]!;
    await connectionRow(item).getByRole('button', { name: 'Test connection' }).click();
    const report = page.getByRole('region', { name: `Test report: ${rowLabel(item)}` });
    await visible(report);
    const checks = report.getByRole('list', { name: 'Checks' }).getByRole('listitem');
    expect(await checks.count()).toBeGreaterThanOrEqual(7);
    await visible(report.getByText('Reachable', { exact: true }));
    await visible(report.getByText('List repositories', { exact: true }));
    expect(
      await report
        .getByRole('definition')
        .filter({ hasText: /^alice\b/ })
        .count(),
    ).toBe(1);
    expect(
      await report
        .getByRole('definition')
        .filter({ hasText: /\bapi\b/ })
        .count(),
    ).toBeGreaterThanOrEqual(1);
    await saveScreenshot(page, 'connect-05-test-report');
  });

  it('refuses a wrong token or URL in Edit and keeps the working ones', async () => {
    const item = cases.find((candidate) => candidate.kind === 'bitbucket-data-center')!;
    await connectionRow(item).getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit connection' });
    await visible(dialog.getByLabel('CA certificate (PEM)', { exact: true }));
    const token = dialog.getByLabel('New access token', { exact: true });
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill('bbdc-not-a-token');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(dialog.getByRole('alert'));
    expect(await token.inputValue()).toBe('bbdc-not-a-token');
    await saveScreenshot(page, 'connect-06-edit-token-refused');

    await token.fill('');
    const url = dialog.getByLabel(/URL/);
    await url.fill('http://127.0.0.1:9/bitbucket');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(dialog.getByRole('alert'));
    expect(await url.inputValue()).toBe('http://127.0.0.1:9/bitbucket');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await gone(dialog);
    const started = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().endsWith('/test'),
    );
    await connectionRow(item).getByRole('button', { name: 'Test connection' }).click();
    expect((await started).status()).toBe(200);
    const report = page.getByRole('region', { name: `Test report: ${rowLabel(item)}` });
    await visible(report.getByText('All checks passed').or(report.getByText('Connected, with warnings')));
  });

  it("lists every connection's repositories on Projects, filtered by name, connection and archived state", async () => {
    await nav('Projects').click();
    await page.waitForURL((url) => url.pathname === '/projects');
    await visible(repositoryTable());
    for (const item of cases.filter((candidate) => candidate.kind !== 'gitlab-self-managed')) {
      await selectConnection(item);
      for (const name of item.repositories) await visible(repositoryName(name));
      if (item.kind === 'bitbucket-data-center') {
        expect(await repositoryTable().getByRole('link', { name: hostileName, exact: true }).count()).toBe(1);
        expect(await repositoryTable().locator('img').count()).toBe(0);
        await saveScreenshot(page, 'connect-07-projects');
      }
    }

    await page.getByLabel('Connection', { exact: true }).selectOption({ label: 'All connections' });
    await page.getByLabel('Name', { exact: true }).fill('infra');
    await visible(page.getByText('1 repository', { exact: true }));
    await visible(repositoryName('infra'));
    expect(await repositoryTable().getByRole('row').count()).toBe(2);
    await saveScreenshot(page, 'connect-08-projects-filtered');
    await page.getByLabel('Name', { exact: true }).fill('');

    await page
      .getByLabel('Connection', { exact: true })
      .selectOption({ label: 'GitLab Self-Managed · platform' });
    await visible(page.getByText(`${generatedCount} repositories`));
    const rows = repositoryTable().getByRole('row');
    expect(await rows.count()).toBe(51);
    await page.getByRole('button', { name: 'Load more' }).click();
    // While the page loads the button reads "Loading…"; it leaves once the last page is in.
    await gone(page.locator('.load-more'));
    expect(await rows.count()).toBe(generatedCount + 1);

    await page.getByLabel('Archived', { exact: true }).selectOption('archived');
    await visible(page.getByText(`${generatedCount / 20} repositories`));
    expect(await rows.count()).toBe(generatedCount / 20 + 1);
    expect(await repositoryTable().getByText('Archived', { exact: true }).count()).toBe(generatedCount / 20);
  });

  it('removes a connection after a confirmation, with its organization and repositories', async () => {
    await nav('Settings').click();
    const item = cases.find((candidate) => candidate.kind === 'bitbucket-cloud')!;
    const row = connectionRow(item);
    await row.getByRole('button', { name: 'Remove' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove connection' });
    await visible(confirm.getByText(/organizations and repositories are removed with it/));
    await saveScreenshot(page, 'connect-09-remove');
    await confirm.getByRole('button', { name: 'Remove connection' }).click();
    await gone(confirm);
    await gone(row);
    await visible(page.getByRole('status').filter({ hasText: `${item.name} was removed.` }));
    expect(await organizationRows(item).count()).toBe(0);
    for (const other of cases.filter((candidate) => candidate !== item)) {
      await visible(connectionRow(other));
    }

    await nav('Projects').click();
    await page.getByLabel('Name', { exact: true }).fill('infra');
    await visible(page.getByText('No repository matches these filters'));
    await page.getByLabel('Name', { exact: true }).fill('website');
    await visible(repositoryName('website'));
    expect(await repositoryName('website').count()).toBe(1);
    await saveScreenshot(page, 'connect-10-after-remove');
  });

  it('logged no page errors and ran no injected script', () => {
    expect(errors).toEqual([]);
  });
});
