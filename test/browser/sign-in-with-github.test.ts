import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  octoAdmin,
  startGitHubSignInWorld,
  type GitHubSignInWorld,
} from '../sign-in/github-sign-in-world.js';
import { adminPassword } from '../helpers/api-client.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { callApi, visible } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import {
  expectNotAMember,
  closeBrowser,
  expectSentToSignIn,
  openPage,
  reconciledSource,
  signInOnScm,
  signInWithPassword,
  signInWithScm,
} from './sign-in-helpers.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const dana = { login: 'dev-dana', password: 'dana-pass', name: 'Dana Developer' };
const wes = { login: 'wes-writer', password: 'wes-pass' };

/**
 * Sign in with GitHub in Chromium, the account's membership managed by the GitHub organization `acme` (set through
 * the API): a member clicks through GitHub's sign-in and authorize pages and lands in the account, shown as
 * managed on Settings > Members; an outside collaborator is refused with the reason; a member removed from the
 * organization on GitHub (which delivers the `organization` webhook) loses access, and their open page goes to
 * the sign-in page.
 */
describe.skipIf(skipReason !== null)('Sign in with GitHub in the browser', () => {
  let world: GitHubSignInWorld;
  let browser: Browser;
  let adminPage: Page;
  let danaPage: Page;
  const contexts: BrowserContext[] = [];

  const newPage = () => openPage(browser, contexts);

  /** From scm-connect's sign-in page through GitHub's pages (sign in, Authorize) and back. */
  const signInWithGitHub = (page: Page, who: { login: string; password: string }) =>
    signInWithScm(
      page,
      world.publicUrl,
      { name: 'GitHub', webUrl: world.twin.webUrl },
      { username: who.login, password: who.password },
    );

  beforeAll(async () => {
    await ensureWebBuild();
    // The first admin connected the organization acme (Connect to GitHub as octo-admin, its owner) and let it
    // manage the account's members.
    world = await startGitHubSignInWorld();
    const source = await reconciledSource(world.owner, world.accountId);
    expect(source.label).toBe('GitHub organization acme');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await world?.close();
  });

  it('lets a member of the organization sign in with GitHub into the account', async () => {
    const opened = await newPage();
    danaPage = opened.page;
    await danaPage.goto(`${world.publicUrl}/login`);
    await visible(danaPage.getByRole('link', { name: 'Sign in with GitHub' }));
    await saveScreenshot(danaPage, 'sign-in-github-01-login');
    await signInWithGitHub(danaPage, dana);
    await danaPage.waitForURL((url) => url.origin === world.publicUrl && url.pathname === '/projects');
    const session = await callApi<{
      user: { name: string };
      currentAccountId: string;
      accounts: { id: string; role: string }[];
    }>(danaPage, 'GET', '/api/v1/session');
    expect(session.status).toBe(200);
    expect(session.body.user.name).toBe(dana.name);
    expect(session.body.currentAccountId).toBe(world.accountId);
    expect(session.body.accounts).toEqual([{ id: world.accountId, name: 'Acme Security', role: 'member' }]);
    await visible(danaPage.getByRole('button', { name: /^Account / }).getByText('Acme Security'));
    expect(opened.errors).toEqual([]);
  });

  it('shows the member on Settings > Members as managed by GitHub, their removal refused with the reason', async () => {
    const opened = await newPage();
    adminPage = opened.page;
    await signInWithPassword(adminPage, world.publicUrl, 'admin@acme.test', adminPassword);
    await adminPage.goto(`${world.publicUrl}/settings/members`);
    await visible(adminPage.getByText('Managed by GitHub organization acme'));
    const row = adminPage.getByRole('row').filter({ hasText: dana.name });
    await visible(row.getByText('Managed by GitHub'));
    const remove = row.getByRole('button', { name: `Remove ${dana.name}` });
    expect(await remove.isDisabled()).toBe(true);
    expect(await remove.getAttribute('title')).toBe(
      'Remove them from GitHub organization acme: scm-connect follows within a minute.',
    );
    await saveScreenshot(adminPage, 'sign-in-github-02-members');
    expect(opened.errors).toEqual([]);
  });

  it('turns the role mapping on from the page: the managed member’s role is then not edited by hand', async () => {
    const panel = adminPage.getByRole('region', { name: 'Managed by GitHub or GitLab' });
    await panel.getByRole('switch', { name: 'Give roles from GitHub (role mapping)' }).check();
    const mapping = panel.getByRole('table', { name: 'Roles from GitHub' });
    expect(await mapping.getByLabel('Role here of GitHub Owner').inputValue()).toBe('admin');
    expect(await mapping.getByLabel('Role here of GitHub Member').inputValue()).toBe('member');
    await panel.getByRole('button', { name: 'Save membership source' }).click();
    await visible(panel.getByText('The membership source is saved; a reconciliation has started.'));
    await visible(panel.getByText('On: roles follow the organization’s roles'));

    const row = adminPage.getByRole('row').filter({ hasText: dana.name });
    const role = row.getByLabel(`Role of ${dana.name}`);
    await visible(row.getByText('Roles come from GitHub organization acme’s role mapping'));
    expect(await role.isDisabled()).toBe(true);

    await panel.getByRole('button', { name: 'Reconcile now' }).click();
    await visible(panel.getByText('Reconciled.'));
    await saveScreenshot(adminPage, 'sign-in-github-03-role-mapping');
  });

  it('refuses an outside collaborator of the organization with the reason', async () => {
    const { page, errors: pageErrors } = await newPage();
    await signInWithGitHub(page, wes);
    await expectNotAMember(page, world.publicUrl);
    await saveScreenshot(page, 'sign-in-github-04-not-a-member');
    expect(pageErrors).toEqual([]);
  });

  it('sends a member removed from the organization on GitHub back to the sign-in page', async () => {
    const deliveries = await world.twin.removeOrgMember('acme', dana.login);
    expect(deliveries.length).toBeGreaterThan(0);
    await expectSentToSignIn(danaPage, world.publicUrl);
    await saveScreenshot(danaPage, 'sign-in-github-05-removed');

    // Signing in again is refused: they are no longer a member. (GitHub remembers their session and the
    // authorization, so it sends them straight back.)
    await danaPage.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await expectNotAMember(danaPage, world.publicUrl);

    await adminPage.reload();
    await visible(adminPage.getByRole('cell', { name: 'admin@acme.test', exact: true }));
    expect(await adminPage.getByRole('row').filter({ hasText: dana.name }).count()).toBe(0);
  });

  it('asks for a fresh sign-in before linking, then returns to the profile', async () => {
    await adminPage.goto(`${world.publicUrl}/login?error=reauth_required&return_to=/profile`);
    await visible(adminPage.getByRole('heading', { name: 'Sign in again' }));
    await visible(
      adminPage.getByRole('alert').filter({ hasText: 'Sign in again, then link it from your profile.' }),
    );
    await visible(adminPage.getByText('You are signed in as Ada Admin (admin@acme.test).'));
    await adminPage.getByLabel('Email', { exact: true }).fill('admin@acme.test');
    await adminPage.getByLabel('Password').fill(adminPassword);
    await adminPage.getByRole('button', { name: 'Sign in', exact: true }).click();
    await adminPage.waitForURL((url) => url.pathname === '/profile');
    await visible(adminPage.getByRole('heading', { name: 'Profile' }));
  });

  it('links a GitHub user from the profile page, then unlinks it', async () => {
    await adminPage.goto(`${world.publicUrl}/projects`);
    await adminPage.getByRole('button', { name: /^Account / }).click();
    await adminPage.getByRole('menuitem', { name: 'Profile and sign-in methods' }).click();
    await adminPage.waitForURL((url) => url.pathname === '/profile');
    const methods = adminPage.getByRole('region', { name: 'Sign-in methods' });
    await visible(methods.getByText('Set: you can sign in with your email and password.'));
    await visible(methods.getByText('No linked sign-in methods'));

    await signInOnScm(
      adminPage,
      'Link GitHub',
      { name: 'GitHub', webUrl: world.twin.webUrl },
      { username: octoAdmin.login, password: octoAdmin.password },
    );
    // octo-admin authorized the app when installing it: GitHub sends them straight back.
    await adminPage.waitForURL((url) => url.origin === world.publicUrl && url.pathname === '/profile');
    await visible(adminPage.getByRole('status').filter({ hasText: 'GitHub is linked' }));
    expect(new URL(adminPage.url()).search).toBe('');
    const table = methods.getByRole('table', { name: 'Linked sign-in methods' });
    const row = table.getByRole('row').filter({ hasText: octoAdmin.login });
    await visible(row.getByRole('cell', { name: 'GitHub', exact: true }));
    expect(await adminPage.getByRole('link', { name: 'Link GitHub' }).count()).toBe(0);
    await saveScreenshot(adminPage, 'sign-in-github-06-profile-linked');

    await row.getByRole('button', { name: `Unlink GitHub user ${octoAdmin.login}` }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Unlink sign-in method' });
    await dialog.getByRole('button', { name: 'Unlink' }).click();
    await visible(methods.getByText(`GitHub user ${octoAdmin.login} is unlinked.`));
    await visible(methods.getByText('No linked sign-in methods'));
    await visible(adminPage.getByRole('link', { name: 'Link GitHub' }));
  });
});
