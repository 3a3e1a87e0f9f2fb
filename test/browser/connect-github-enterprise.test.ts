import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { adminPassword } from '../helpers/api-client.js';
import { octoAdmin } from '../api/github/github-world.js';
import { startEnterpriseWorld, type EnterpriseWorld } from '../api/github/enterprise-world.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { visible, watchErrors } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

/** Signs in on scm-connect's sign-in page as the world's first admin. */
async function signIn(page: Page) {
  await page.getByLabel('Email').fill('admin@acme.test');
  await page.getByLabel('Password').fill(adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The twin's install pages from the review on: Continue, the organization, All repositories, Install & Authorize. */
async function installOnTwin(page: Page, organization: string) {
  await visible(page.getByRole('heading', { name: 'Permissions' }));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel(organization, { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('All repositories').check();
  await page.getByRole('button', { name: 'Install & Authorize' }).click();
}

/** Chromium signed in to scm-connect as the world's first admin, on Settings, with its page errors collected. */
async function signedInOnSettings(browser: Browser, world: EnterpriseWorld) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${world.publicUrl}/login`);
  await signIn(page);
  await page.waitForURL((url) => url.pathname === '/projects');
  await page.goto(`${world.publicUrl}/settings`);
  return { page, errors };
}

/** The Connect your GitHub Organization dialog, opened with Add GitHub Enterprise. */
async function openAddDialog(page: Page) {
  await page.getByRole('button', { name: 'Add GitHub Enterprise' }).click();
  const dialog = page.getByRole('dialog', { name: 'Connect your GitHub Organization' });
  await visible(dialog);
  return dialog;
}

/** On scm-connect's hand-off page and the instance's: Continue, sign in, name the app, Create GitHub App. */
async function registerOnTwin(page: Page, twin: EnterpriseWorld['twin']) {
  await page.waitForURL((url) => url.pathname === '/github/manifest/start');
  await page.getByRole('button', { name: 'Continue to GitHub' }).click();
  await page.waitForURL((url) => url.origin === twin.webUrl);
  await page.getByLabel('Username or email address').fill(octoAdmin.login);
  await page.getByLabel('Password').fill(octoAdmin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('GitHub App name').fill('scm-connect for Acme');
  await page.getByRole('button', { name: 'Create GitHub App' }).click();
  await page.waitForURL((url) => url.origin === twin.webUrl && url.pathname.endsWith('/installations/new'));
}

/** Reloads the page until `locator` shows (a webhook's effect lands asynchronously). */
async function reloadUntilVisible(page: Page, locator: Locator, attempts = 20) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: 1_000 });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await page.reload();
    }
  }
}

/**
 * The seed's GitHub Enterprise Server flow as a person clicks it, in Chromium: Add GitHub Enterprise, the entry's
 * Register app through scm-connect's hand-off page, the instance's (twin's) pages to sign in, name the app and
 * install it on the owner organization, back to Settings with the entry Connected; then the app's public link,
 * installed on a further organization, which joins the same connection.
 */
describe.skipIf(skipReason !== null)('Connect GitHub Enterprise Server in the browser', () => {
  let browser: Browser | undefined;
  let world: EnterpriseWorld | undefined;

  beforeAll(async () => {
    await ensureWebBuild();
  }, 120_000);
  afterEach(async () => {
    await browser?.close();
    await world?.close();
    browser = undefined;
    world = undefined;
  });

  it('adds the entry, registers and installs its app, then a further organization joins through the public link', async () => {
    world = await startEnterpriseWorld();
    const twin = world.twin;
    browser = await launchChromium();
    const { page, errors } = await signedInOnSettings(browser, world);

    // Add GitHub Enterprise: the form's own checks first, then the organization and the twin's URL.
    const dialog = await openAddDialog(page);
    const organizationField = dialog.getByLabel('Name of your GitHub Organization', { exact: true });
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    expect(await organizationField.getAttribute('aria-invalid')).toBe('true');
    await visible(dialog.getByText('Organization: enter the organization name as in'));
    await organizationField.fill('acme');
    await dialog.getByLabel('URL', { exact: true }).fill(twin.webUrl);
    await visible(dialog.getByLabel('CA certificate (PEM)'));
    await saveScreenshot(page, 'connect-github-enterprise-dialog', { window: true });
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByRole('listitem', { name: 'GitHub Enterprise Server: acme' });
    await visible(page.getByRole('status').getByText('acme is added.'));
    await visible(row.getByText('Pending', { exact: true }));
    await visible(row.getByText(twin.webUrl));
    expect(await row.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'connect-github-enterprise-pending');

    // Register app: scm-connect's hand-off page posts the manifest to the instance for acme; there the person
    // signs in, names the app and creates it, then installs it on acme.
    await row.getByRole('button', { name: 'Register app' }).click();
    await registerOnTwin(page, twin);
    await installOnTwin(page, 'acme');

    // Back on Settings, still signed in: the entry is Connected and acme is a source code organization.
    await page.waitForURL((url) => url.origin === world!.publicUrl && url.pathname === '/settings');
    expect(new URL(page.url()).searchParams.get('github')).toBe('linked');
    await visible(page.getByText('The GitHub App was installed; its organization is connected.'));
    await reloadUntilVisible(page, row.getByText('Connected', { exact: true }));
    const organizations = page.getByRole('table', { name: 'Source code organizations' });
    await reloadUntilVisible(page, organizations.getByRole('row').filter({ hasText: 'acme' }));
    const app = twin.state.appBySlug('scm-connect-for-acme')!;
    expect(app).toMatchObject({ owner: 'acme', public: true });
    await visible(row.getByText('GitHub App scm-connect for Acme (scm-connect-for-acme)'));
    expect(await row.getByRole('link', { name: /^App settings on / }).getAttribute('href')).toMatch(
      new RegExp(`^${twin.webUrl}/`),
    );
    await visible(row.getByText('on acme · All repositories'));
    expect(await row.getByRole('button', { name: 'Install', exact: true }).count()).toBe(0);
    expect(await row.getByRole('button', { name: 'Test connection' }).isEnabled()).toBe(true);
    await visible(row.getByText(/^Share this link with admins of other organizations on /));
    await saveScreenshot(page, 'connect-github-enterprise-connected');

    // A further organization: the app's public link, as shown on the entry, installed on acme-labs.
    const publicLink = await row.getByRole('link', { name: 'Open the public link' }).getAttribute('href');
    expect(publicLink).toBe(`${twin.webUrl}/github-apps/${app.slug}/installations/new`);
    expect(await row.getByLabel('Public link').inputValue()).toBe(publicLink);
    await page.goto(publicLink!);
    await installOnTwin(page, 'acme-labs');
    await page.waitForURL((url) => url.origin === world!.publicUrl && url.pathname === '/settings');
    expect(new URL(page.url()).searchParams.get('github')).toBe('installed');
    await visible(
      page.getByText(
        'GitHub Enterprise installed the app; the organization appears here as soon as its event arrives.',
      ),
    );

    await world.twin.webhooks.idle();
    const labs = organizations.getByRole('row').filter({ hasText: 'acme-labs' });
    await reloadUntilVisible(page, labs);
    expect(await labs.count()).toBe(1);
    expect(await labs.getByRole('cell').allTextContents()).toEqual(
      expect.arrayContaining(['acme-labs', 'GitHub Enterprise Server', 'acme']),
    );
    await visible(row.getByText('on acme-labs · All repositories'));
    expect(await page.getByRole('listitem', { name: /^GitHub Enterprise Server: / }).count()).toBe(1);
    await saveScreenshot(page, 'connect-github-enterprise-further-org');
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows the instance’s refusal next to the URL, and installs a registered app with the entry’s Install', async () => {
    world = await startEnterpriseWorld();
    const twin = world.twin;
    browser = await launchChromium();
    const { page, errors } = await signedInOnSettings(browser, world);

    // An address that does not answer as a GitHub Enterprise Server: the refusal goes next to the URL.
    const dialog = await openAddDialog(page);
    await dialog.getByLabel('Name of your GitHub Organization', { exact: true }).fill('acme');
    const urlField = dialog.getByLabel('URL', { exact: true });
    await urlField.fill(`${twin.webUrl}/nothing-here`);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await visible(dialog.getByText('URL: The URL does not answer as a GitHub Enterprise Server'));
    expect(await urlField.getAttribute('aria-invalid')).toBe('true');
    expect(await urlField.inputValue()).toBe(`${twin.webUrl}/nothing-here`);
    await saveScreenshot(page, 'connect-github-enterprise-refused', { window: true });
    await urlField.fill(twin.webUrl);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    // Registered on the instance, then the tab closed before installing: the entry offers Install.
    const row = page.getByRole('listitem', { name: 'GitHub Enterprise Server: acme' });
    await row.getByRole('button', { name: 'Register app' }).click();
    await registerOnTwin(page, twin);
    await page.goto(`${world.publicUrl}/settings`);
    await visible(row.getByText('GitHub App scm-connect for Acme (scm-connect-for-acme)'));
    await visible(row.getByText('Pending', { exact: true }));
    expect(await row.getByRole('button', { name: 'Register app' }).count()).toBe(0);
    expect(await row.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await saveScreenshot(page, 'connect-github-enterprise-registered');
    await row.getByRole('button', { name: 'Install', exact: true }).click();
    await page.waitForURL((url) => url.origin === twin.webUrl && url.searchParams.has('state'));
    await installOnTwin(page, 'acme');
    await page.waitForURL((url) => url.origin === world!.publicUrl && url.pathname === '/settings');
    expect(new URL(page.url()).searchParams.get('github')).toBe('linked');
    await reloadUntilVisible(page, row.getByText('Connected', { exact: true }));
    await visible(row.getByText('on acme · All repositories'));

    // A second entry for the same organization on the same instance is refused, in the form.
    const again = await openAddDialog(page);
    await again.getByLabel('Name of your GitHub Organization', { exact: true }).fill('acme');
    await again.getByLabel('URL', { exact: true }).fill(`${twin.webUrl}/`);
    await again.getByRole('button', { name: 'Connect', exact: true }).click();
    await visible(again.getByRole('alert').filter({ hasText: /already/ }));
    await page.keyboard.press('Escape');
    expect(await page.getByRole('listitem', { name: /^GitHub Enterprise Server: / }).count()).toBe(1);
    expect(errors).toEqual([]);
  }, 120_000);
});
