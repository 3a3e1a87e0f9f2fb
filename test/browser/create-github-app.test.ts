import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestService, type TestService } from '../helpers/service.js';
import { startGitHubTwin, type GitHubTwin } from '../twins/github/index.js';
import { testGitHubScenario } from '../twins/github/test-scenario.js';
import { testPrivateKey } from '../twins/github/test-keys.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { setUpThroughPage, visible, watchErrors } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

describe.skipIf(skipReason !== null)('Create the GitHub App in the browser', () => {
  let twin: GitHubTwin;
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const panel = () => page.getByRole('region', { name: 'GitHub App' });

  beforeAll(async () => {
    [twin] = await Promise.all([startGitHubTwin(testGitHubScenario(testPrivateKey())), ensureWebBuild()]);
    [service, browser] = await Promise.all([
      startTestService({
        SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
        SCM_CONNECT_ALLOW_HTTP: 'true',
        SCM_CONNECT_GITHUB_API_URL: twin.apiUrl,
        SCM_CONNECT_GITHUB_WEB_URL: twin.webUrl,
      }),
      launchChromium(),
    ]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await twin?.close();
  });

  it('registers the app on GitHub through the hand-off page and shows its id on Settings', async () => {
    await setUpThroughPage(page, service.setupUrl!);
    await page.goto(`${service.url}/settings`);
    await visible(panel().getByText('Connect to GitHub needs this instance’s GitHub App'));
    await panel().getByLabel('GitHub organization (optional)').fill('acme');
    await saveScreenshot(page, 'github-app-create');
    await panel().getByRole('button', { name: 'Create the GitHub App' }).click();

    // scm-connect's hand-off page, whose form alone may go to GitHub.
    await page.waitForURL((url) => url.pathname === '/github/manifest/start');
    await visible(page.getByRole('heading', { name: 'Create the GitHub App' }));
    await page.getByRole('button', { name: 'Continue to GitHub' }).click();

    // The twin's pages: sign in, name the app, create it.
    await page.getByLabel('Username or email address').fill('octo-admin');
    await page.getByLabel('Password').fill('admin-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('GitHub App name').fill('Acme code scanning');
    await page.getByRole('button', { name: 'Create GitHub App' }).click();

    await page.waitForURL((url) => url.origin === service.url && url.pathname === '/settings');
    const app = twin.state.appBySlug('acme-code-scanning')!;
    expect(app.owner).toBe('acme');
    await visible(panel().getByRole('status').getByText('The GitHub App is created.'));
    await visible(panel().getByText(String(app.id), { exact: true }));
    const slug = panel().getByRole('link', { name: 'acme-code-scanning' });
    expect(await slug.getAttribute('href')).toBe(`${twin.webUrl}/apps/acme-code-scanning`);
    await visible(panel().getByText('Registered here'));
    await visible(panel().getByText('contents: write', { exact: false }));
    expect(new URL(page.url()).search).toBe('');
    const text = await page.content();
    for (const secret of [app.privateKeyPem.split('\n')[1]!, app.webhookSecret, app.clientSecret]) {
      expect(text).not.toContain(secret);
    }
    await saveScreenshot(page, 'github-app-registered');
    expect(errors).toEqual([]);
  });
});
