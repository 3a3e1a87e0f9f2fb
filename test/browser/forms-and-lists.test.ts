import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { findScmKind } from '../../src/core/scm-kinds.js';
import { startTestService } from '../helpers/service.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { callApi, currentAccountId, gone, setUpThroughPage, visible, watchErrors } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const gitlab = findScmKind('gitlab')!;
const selfManaged = findScmKind('gitlab-self-managed')!;

/** Top-level groups whose paths differ in case; their projects too. */
const groups = ['Zeta', 'beta', 'Alpha'];
const projects = ['Zulu', 'alpha', 'Beta', 'archive-2019'];

/** The ids in `aria-describedby`, and the text of each element they name. */
const description = (field: Locator) =>
  field.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? `(no element #${id})`),
  );

describe.skipIf(skipReason !== null)('forms and lists as a new user meets them', () => {
  let twin: GitLabTwin;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let accountId: string;
  const connectionPosts: string[] = [];

  beforeAll(async () => {
    const scenario = demoGitLabScenario();
    [twin] = await Promise.all([
      startGitLabTwin({
        ...scenario,
        groups: [
          ...scenario.groups,
          ...groups.map((path, index) => ({
            id: 500 + index,
            path,
            members: [{ user: 'alice', accessLevel: 50 as const }],
            projects: projects.map((project, projectIndex) => ({
              id: 5000 + index * 10 + projectIndex,
              path: project,
              archived: project.startsWith('archive'),
            })),
          })),
        ],
      }),
      ensureWebBuild(),
    ]);
    [service, browser] = await Promise.all([
      startTestService({
        SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
        SCM_CONNECT_ALLOW_HTTP: 'true',
        SCM_CONNECT_GITLAB_URL: twin.url,
      }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    errors = watchErrors(page);
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/connections')) {
        connectionPosts.push(request.postData() ?? '');
      }
    });
    await setUpThroughPage(page, service.setupUrl!);
    accountId = await currentAccountId(page);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await twin?.close();
  });

  const openDialog = async (kind: typeof gitlab) => {
    await page.getByRole('button', { name: kind.addLabel, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: kind.dialogTitle });
    await visible(dialog);
    return dialog;
  };

  it('names GitLab Cloud and GitLab Self-Managed as their buttons do', async () => {
    await page.goto(`${service.url}/settings`);
    for (const kind of [gitlab, selfManaged]) {
      expect(kind.addLabel).toBe(`Add ${kind.name}`);
      await visible(
        page.getByRole('listitem').filter({ hasText: kind.addLabel }).getByText(kind.name, { exact: true }),
      );
      const dialog = await openDialog(kind);
      expect(kind.dialogTitle).toContain(kind.name);
      await page.keyboard.press('Escape');
      await gone(dialog);
    }
  });

  it('shows the limits of each field before anything is typed, linked to the field', async () => {
    const dialog = await openDialog(selfManaged);
    const group = dialog.getByLabel('Name of your GitLab Group', { exact: true });
    expect(await group.getAttribute('aria-invalid')).toBeNull();
    expect((await description(group)).join(' ')).toMatch(/letters, digits, _ \. - \(up to 255 characters\)/);
    const token = dialog.getByLabel('Access token', { exact: true });
    expect((await description(token)).join(' ')).toMatch(/up to 4096 characters/);
    const url = dialog.getByLabel('URL', { exact: true });
    expect((await description(url)).join(' ')).toMatch(/Starts with https:\/\//);
    await page.keyboard.press('Escape');
    await gone(dialog);
  });

  it('names every refused field at once, next to the field, and sends nothing', async () => {
    const dialog = await openDialog(selfManaged);
    const token = dialog.getByLabel('Access token', { exact: true });
    const url = dialog.getByLabel('URL', { exact: true });
    const group = dialog.getByLabel('Name of your GitLab Group', { exact: true });
    await token.fill('glpat has spaces');
    await url.fill('gitlab.example.com');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    for (const field of [token, url, group]) expect(await field.getAttribute('aria-invalid')).toBe('true');
    const messages = await dialog.locator('.field-error').allTextContents();
    expect(messages).toEqual([
      'Access token: paste the token only, without spaces, line breaks or accented characters',
      'URL: enter the address of the instance, starting with https:// and without ?… or #…, e.g. https://gitlab.example.com',
      "Group: enter the group's path, e.g. acme",
    ]);
    expect((await description(group)).at(-1)).toBe("Group: enter the group's path, e.g. acme");
    expect(await token.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(messages.join(' ')).not.toContain('body.');
    expect(connectionPosts).toEqual([]);
    await saveScreenshot(page, 'forms-01-every-refused-field', { window: true });

    // Fixing a field clears its message as it is typed; the others stay.
    await group.fill('acme');
    expect(await group.getAttribute('aria-invalid')).toBeNull();
    expect(await dialog.locator('.field-error').count()).toBe(2);
    await page.keyboard.press('Escape');
    await gone(dialog);
  });

  it("places the API's refusal of a field next to that field", async () => {
    const dialog = await openDialog(selfManaged);
    await dialog.getByLabel('Access token', { exact: true }).fill('glpat-demo-alice-api');
    await dialog.getByLabel('URL', { exact: true }).fill(twin.url);
    await dialog.getByLabel('Name of your GitLab Group', { exact: true }).fill('acme');
    const ca = dialog.getByLabel('CA certificate (PEM)', { exact: true });
    await ca.fill('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----');
    const answer = page.waitForResponse(
      (response) => response.request().method() === 'POST' && response.url().endsWith('/connections'),
    );
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    expect((await answer).status()).toBe(400);
    await page.waitForFunction(
      (label) =>
        [...document.querySelectorAll('textarea')].some(
          (element) => element.name === label && element.getAttribute('aria-invalid') === 'true',
        ),
      'caPem',
    );
    expect((await description(ca)).at(-1)).toMatch(/^CA certificate: must be one or more PEM certificates/);
    expect(await dialog.getByRole('alert').allTextContents()).toEqual([
      expect.stringMatching(/^CA certificate: /),
    ]);
    await page.keyboard.press('Escape');
    await gone(dialog);
  });

  it('connects groups whose names differ in case and lists them as people read them', async () => {
    for (const path of groups) {
      const answer = await callApi(page, 'POST', `/api/v1/accounts/${accountId}/connections`, {
        kind: 'gitlab',
        group: path,
        token: 'glpat-demo-alice-api',
      });
      expect(answer.status).toBe(201);
    }
    await page.reload();
    const rows = page.getByRole('list', { name: 'Connections' }).getByRole('listitem');
    await visible(rows.first());
    expect(await rows.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')))).toEqual([
      `${gitlab.name}: Alpha`,
      `${gitlab.name}: beta`,
      `${gitlab.name}: Zeta`,
    ]);
    for (const name of ['Alpha', 'beta', 'Zeta']) {
      const row = page.getByRole('listitem', { name: `${gitlab.name}: ${name}` });
      await row.getByRole('button', { name: 'Sync now' }).click();
      await visible(row.getByText(/^\d+ repositories · Last synced /));
    }
    const organizations = page.getByRole('table', { name: 'Source code organizations' }).getByRole('row');
    expect(
      (await organizations.allTextContents()).slice(1).map((text) => text.split(gitlab.name)[0]),
    ).toEqual(['Alpha', 'beta', 'Zeta']);
    await saveScreenshot(page, 'forms-02-sorted-connections');
  });

  it('lists repositories, API tokens and accounts case-insensitively', async () => {
    await page.goto(`${service.url}/projects?q=alpha%2F`);
    const table = page.getByRole('table', { name: 'Repositories' });
    await visible(page.getByText('4 repositories', { exact: true }));
    const names = await table.locator('tbody .repo-name a').allTextContents();
    expect(names).toEqual(['alpha', 'archive-2019', 'Beta', 'Zulu']);

    for (const name of ['zeta deploy', 'Alpha upload', 'beta scan']) {
      expect((await callApi(page, 'POST', `/api/v1/accounts/${accountId}/tokens`, { name })).status).toBe(
        201,
      );
    }
    await page.goto(`${service.url}/settings/tokens`);
    const tokenRows = page.getByRole('table', { name: 'API tokens' }).getByRole('row');
    await visible(tokenRows.nth(1));
    expect(
      await tokenRows.evaluateAll((rows) => rows.slice(1).map((row) => row.querySelector('td')?.textContent)),
    ).toEqual(['Alpha upload', 'beta scan', 'zeta deploy']);

    for (const name of ['zulu team', 'Beta Team']) {
      expect((await callApi(page, 'POST', '/api/v1/accounts', { name })).status).toBe(201);
    }
    await page.reload();
    await page.getByRole('button', { name: /^Account / }).click();
    const menu = page.getByRole('menu', { name: 'Accounts' });
    expect(await menu.getByRole('menuitemradio').allTextContents()).toEqual([
      expect.stringContaining('Acme Security'),
      expect.stringContaining('Beta Team'),
      expect.stringContaining('zulu team'),
    ]);
    await page.keyboard.press('Escape');
  });

  it('keeps the Projects filters in the address: reload, back, forward and a shared link', async () => {
    await page.goto(`${service.url}/projects`);
    const connection = page.getByLabel('Connection', { exact: true });
    const name = page.getByLabel('Name', { exact: true });
    const archived = page.getByLabel('Archived', { exact: true });
    const table = page.getByRole('table', { name: 'Repositories' });
    const shown = () => table.locator('tbody .repo-name a').allTextContents();
    await visible(table);

    await connection.selectOption({ label: `${gitlab.name} · beta` });
    await page.waitForURL((url) => url.searchParams.has('connection'));
    const connectionId = new URL(page.url()).searchParams.get('connection');
    await archived.selectOption('active');
    await page.waitForURL((url) => url.searchParams.get('archived') === 'active');
    await name.fill('l');
    await page.waitForURL((url) => url.searchParams.get('q') === 'l');
    await visible(page.getByText('2 repositories', { exact: true }));
    expect(await shown()).toEqual(['alpha', 'Zulu']);
    const filteredUrl = page.url();
    expect(new URL(filteredUrl).search).toBe(`?connection=${connectionId}&q=l&archived=active`);

    await page.reload();
    await visible(page.getByText('2 repositories', { exact: true }));
    expect(await connection.inputValue()).toBe(connectionId);
    expect(await name.inputValue()).toBe('l');
    expect(await archived.inputValue()).toBe('active');
    expect(await shown()).toEqual(['alpha', 'Zulu']);

    // Back: the name typed replaced its step, so the step before is the connection alone.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('archived'));
    expect(new URL(page.url()).search).toBe(`?connection=${connectionId}`);
    expect(await archived.inputValue()).toBe('all');
    expect(await name.inputValue()).toBe('');
    await visible(page.getByText('4 repositories', { exact: true }));
    await page.goForward();
    await page.waitForURL(filteredUrl);
    await visible(page.getByText('2 repositories', { exact: true }));
    expect(await name.inputValue()).toBe('l');

    const shared = await context.newPage();
    await shared.goto(filteredUrl);
    await visible(shared.getByText('2 repositories', { exact: true }));
    expect(await shared.getByLabel('Connection', { exact: true }).inputValue()).toBe(connectionId);
    expect(await shared.getByLabel('Archived', { exact: true }).inputValue()).toBe('active');
    await saveScreenshot(shared, 'forms-03-projects-shared-link');
    await shared.close();
  });

  it('shows the account id and links to the API docs in Settings > API tokens', async () => {
    await page.goto(`${service.url}/settings/tokens`);
    const section = page.getByRole('region', { name: 'Use the API' });
    expect(await section.getByLabel('Account id', { exact: true }).inputValue()).toBe(accountId);
    const docs = section.getByRole('link', { name: /API reference/ });
    expect(await docs.getAttribute('href')).toBe('/api/docs');
    expect(await section.getByText(`/api/v1/accounts/${accountId}/connections`).count()).toBe(1);
    await saveScreenshot(page, 'forms-04-api-access');
    expect((await page.request.get(`${service.url}/api/docs`)).status()).toBe(200);
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
