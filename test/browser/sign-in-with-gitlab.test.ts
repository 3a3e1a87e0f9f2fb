import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminPassword } from '../helpers/api-client.js';
import {
  gitLabPeople,
  startGitLabSignInWorld,
  type GitLabSignInWorld,
} from '../sign-in/gitlab-sign-in-world.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { callApi, gone, visible } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import {
  closeBrowser,
  expectNotAMember,
  expectSentToSignIn,
  openPage,
  reconciledSource,
  signInWithPassword,
  signInWithScm,
} from './sign-in-helpers.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const bob = { ...gitLabPeople.bob, name: 'Bob Builder' };
const dave = gitLabPeople.dave;

/**
 * Sign in with GitLab in Chromium: the instance admin adds the GitLab OAuth application on Settings > Source Code
 * Managers (the redirect URI to paste is shown there), the group `acme` manages the account's members (set
 * through the API); a member clicks through GitLab's sign-in and authorize pages and lands in the account, someone
 * outside the group is refused, and a member removed from the group (GitLab's member webhook) loses access.
 */
describe.skipIf(skipReason !== null)('Sign in with GitLab in the browser', () => {
  let world: GitLabSignInWorld;
  let browser: Browser;
  let bobPage: Page;
  const contexts: BrowserContext[] = [];

  const newPage = () => openPage(browser, contexts);

  /** From scm-connect's sign-in page through GitLab's pages (sign in, Authorize) and back. */
  const signInWithGitLab = (page: Page, who: { username: string; password: string }) =>
    signInWithScm(page, world.publicUrl, { name: 'GitLab', webUrl: world.twin.webUrl }, who);

  beforeAll(async () => {
    await ensureWebBuild();
    // The group acme manages the account's members; the test adds the OAuth application through the page.
    world = await startGitLabSignInWorld({ addApplication: false });
    const source = await reconciledSource(world.admin, world.accountId);
    expect(source.label).toMatch(/^GitLab group /);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await world?.close();
  });

  it('lets the instance admin add the GitLab application, with the redirect URI to paste', async () => {
    const { page, errors } = await newPage();
    await signInWithPassword(page, world.publicUrl, 'admin@acme.test', adminPassword);
    await page.goto(`${world.publicUrl}/settings`);
    const panel = page.getByRole('region', { name: 'GitLab sign-in applications' });
    await visible(panel.getByText('No GitLab application yet'));
    expect(await panel.getByLabel('Redirect URI for GitLab').inputValue()).toBe(
      `${world.publicUrl}/auth/gitlab/callback`,
    );
    await panel.getByRole('button', { name: 'Add GitLab application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add GitLab sign-in application' });
    await dialog.getByLabel('GitLab URL').fill(world.twin.url);
    await dialog.getByLabel('Application ID').fill(world.application.uid);
    await dialog.getByLabel('Secret').fill(world.application.secret);
    await saveScreenshot(page, 'sign-in-gitlab-01-add-application', { window: true });
    await dialog.getByRole('button', { name: 'Add application' }).click();
    await gone(dialog);
    const table = panel.getByRole('table', { name: 'GitLab sign-in applications' });
    await visible(table.getByRole('cell', { name: world.application.uid }));
    expect(await page.content()).not.toContain(world.application.secret);
    await saveScreenshot(page, 'sign-in-gitlab-02-applications');

    // A change without a secret keeps the stored one: sign-in below still works with it.
    await table.getByRole('button', { name: `Change ${world.twin.url}` }).click();
    const change = page.getByRole('dialog', { name: 'Change GitLab sign-in application' });
    expect(await change.getByLabel('Application ID').inputValue()).toBe(world.application.uid);
    expect(await change.getByLabel('Secret').inputValue()).toBe('');
    await change.getByRole('button', { name: 'Save' }).click();
    await gone(change);
    await visible(panel.getByText(`The application of ${world.twin.url} is saved.`));
    expect(errors).toEqual([]);
  });

  it('lets a member of the group sign in with GitLab into the account', async () => {
    const opened = await newPage();
    bobPage = opened.page;
    await signInWithGitLab(bobPage, bob);
    await bobPage.waitForURL((url) => url.origin === world.publicUrl && url.pathname === '/projects');
    const session = await callApi<{ user: { name: string }; currentAccountId: string }>(
      bobPage,
      'GET',
      '/api/v1/session',
    );
    expect(session.status).toBe(200);
    expect(session.body.user.name).toBe(bob.name);
    expect(session.body.currentAccountId).toBe(world.accountId);
    await visible(bobPage.getByRole('button', { name: /^Account / }).getByText('Acme Security'));
    expect(opened.errors).toEqual([]);
  });

  it('refuses someone outside the group with the reason', async () => {
    const { page, errors } = await newPage();
    await signInWithGitLab(page, dave);
    await expectNotAMember(page, world.publicUrl);
    expect(errors).toEqual([]);
  });

  it('sends a member removed from the group on GitLab back to the sign-in page', async () => {
    const deliveries = await world.twin.removeGroupMember('acme', bob.username);
    expect(deliveries.length).toBeGreaterThan(0);
    await expectSentToSignIn(bobPage, world.publicUrl);
    await saveScreenshot(bobPage, 'sign-in-gitlab-03-removed');
  });
});
