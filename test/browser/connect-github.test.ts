import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminPassword } from '../helpers/api-client.js';
import { startGitHubWorld, type GitHubWorld } from '../api/github/github-world.js';
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

/**
 * The seed's GitHub Cloud flow as a person clicks it, in Chromium: Settings > Source Code Managers > Connect to
 * GitHub, the GitHub twin's pages (sign in, review the permissions, pick the organization, All or Only select
 * repositories, Install & Authorize), back to scm-connect, signed out with the reason, signed in again, the
 * organization under Source code organizations and its repositories on Projects.
 */
describe.skipIf(skipReason !== null)('Connect to GitHub in the browser', () => {
  let browser: Browser | undefined;
  let world: GitHubWorld | undefined;

  beforeAll(async () => {
    await ensureWebBuild();
  }, 120_000);
  afterEach(async () => {
    await browser?.close();
    await world?.close();
    browser = undefined;
    world = undefined;
  });

  it.each([
    ['All repositories', undefined, ['legacy-cms', 'payments', 'web-shop']],
    ['Only select repositories', ['payments', 'web-shop'], ['payments', 'web-shop']],
  ] as const)(
    'links an organization with %s',
    async (choice, selected, expected) => {
      world = await startGitHubWorld();
      browser = await launchChromium();
      const page = await browser.newPage();
      const errors = watchErrors(page);

      await page.goto(`${world.publicUrl}/login`);
      await signIn(page);
      await page.waitForURL((url) => url.pathname === '/projects');
      await page.goto(`${world.publicUrl}/settings`);
      await page.getByRole('button', { name: 'Connect to GitHub' }).click();
      const dialog = page.getByRole('dialog', { name: 'Connect to GitHub' });
      await visible(dialog);
      await dialog.getByRole('button', { name: 'Connect to GitHub' }).click();

      // On GitHub (the twin): sign in, review the permissions, pick the organization, choose the repositories.
      await page.waitForURL((url) => url.origin === world!.twin.webUrl);
      await page.getByLabel('Username or email address').fill('octo-admin');
      await page.getByLabel('Password').fill('admin-pass');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await visible(page.getByRole('heading', { name: 'Permissions' }));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('acme', { exact: true }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel(choice).check();
      for (const name of selected ?? []) await page.getByLabel(name, { exact: true }).check();
      await page.getByRole('button', { name: 'Install & Authorize' }).click();

      // Back on scm-connect: linked, and signed out because the credentials changed.
      await page.waitForURL((url) => url.origin === world!.publicUrl && url.pathname === '/login');
      await visible(page.getByText('Your credentials have changed after linking an organization.'));
      expect(new URL(page.url()).searchParams.get('reason')).toBe('github-linked');
      await signIn(page);
      await page.waitForURL((url) => url.pathname === '/projects');

      const repositories = page.getByRole('table', { name: 'Repositories' });
      for (const name of expected) await visible(repositories.getByText(name, { exact: true }));
      expect(await repositories.getByRole('row').count()).toBe(expected.length + 1);

      await page.goto(`${world.publicUrl}/settings`);
      const organizations = page.getByRole('table', { name: 'Source code organizations' });
      const organization = organizations.getByRole('row').filter({ hasText: 'acme' });
      await visible(organization);
      expect(await organization.count()).toBe(1);
      expect(await organization.textContent()).toContain('GitHub');
      await visible(
        page.getByRole('region', { name: 'Connected source code managers' }).getByText('acme').first(),
      );
      const row = page.getByRole('listitem', { name: 'GitHub: acme' });
      await visible(row.getByText(`GitHub App installation`));
      await visible(row.getByText(choice, { exact: false }));
      const configure = row.getByRole('link', { name: 'Configure on GitHub' });
      expect(await configure.getAttribute('href')).toMatch(
        new RegExp(`^${world.twin.webUrl}/organizations/acme/settings/installations/\\d+$`),
      );
      await saveScreenshot(page, `connect-github-${selected ? 'selected' : 'all'}`);
      expect(errors).toEqual([]);
    },
    60_000,
  );
});
