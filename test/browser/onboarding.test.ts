import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { scmKinds } from '../../src/core/scm-kinds.js';
import { startTestService } from '../helpers/service.js';
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
const renamedAccount = 'Platform Security';
const invitee = { name: 'Dev Person', email: 'dev@example.com', password: 'another long passphrase 7' };

const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const gone = (locator: Locator) => locator.waitFor({ state: 'detached' });

/** Reads the session as the page's own cookie sees it. */
const serverSession = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch('/api/v1/session', { credentials: 'same-origin' });
    return { status: response.status, body: response.ok ? ((await response.json()) as unknown) : null };
  });

/** Collects uncaught page errors and console errors (a CSP violation shows up here), minus failed fetches. */
const watchErrors = (page: Page): string[] => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
};

// One journey through the UI, as steps that share the browser page: each step starts where the last ended.
describe.skipIf(skipReason !== null)('onboarding in the browser', () => {
  let service: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let inviteUrl: string;
  const accountButton = () => page.getByRole('button', { name: /^Account / });
  const menu = () => page.getByRole('menu', { name: 'Accounts' });

  beforeAll(async () => {
    await ensureWebBuild();
    [service, browser] = await Promise.all([startTestService(), launchChromium()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(5_000);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('creates the first admin from the one-time set-up link', async () => {
    expect(service.setupUrl).toBeDefined();
    await page.goto(service.setupUrl!);
    await visible(page.getByRole('heading', { name: 'Set up scm-connect' }));
    await page.getByLabel('Your name').fill(admin.name);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByLabel('Account name').fill(admin.accountName);
    await saveScreenshot(page, '01-setup');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL((url) => url.pathname === '/projects');
    expect(page.url()).not.toContain('token=');
    await visible(page.getByText('No repositories yet'));
    expect(await accountButton().textContent()).toContain(admin.accountName);
    await saveScreenshot(page, '02-projects');
  });

  it('signs out and signs in again, showing a refused password next to the form', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('alert'));
    expect((await serverSession(page)).status).toBe(401);
    await saveScreenshot(page, '03-login-error');
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/projects');
    await visible(page.getByText(admin.name, { exact: true }));
  });

  it('creates a second account from the account menu and switches to it', async () => {
    await accountButton().click();
    await visible(menu());
    expect(
      await menu().getByRole('menuitemradio', { name: admin.accountName }).getAttribute('aria-checked'),
    ).toBe('true');
    await saveScreenshot(page, '04-account-menu');
    await menu().getByRole('menuitem', { name: 'Create account' }).click();
    const createDialog = page.getByRole('dialog', { name: 'Create account' });
    await createDialog.getByLabel('Account name').fill('Platform Team');
    await saveScreenshot(page, '05-create-account');
    await createDialog.getByRole('button', { name: 'Create account' }).click();
    await gone(createDialog);
    await page.waitForURL((url) => url.pathname === '/settings');
    await visible(accountButton().getByText('Platform Team'));
  });

  it('renames the account from the menu, shows the refusal of a bad name, and the server agrees', async () => {
    await accountButton().click();
    await menu().getByRole('menuitem', { name: 'Rename account' }).click();
    const renameDialog = page.getByRole('dialog', { name: 'Rename account' });
    const nameField = renameDialog.getByLabel('Account name');
    expect(await nameField.inputValue()).toBe('Platform Team');
    await page.keyboard.press('Escape');
    await gone(renameDialog);

    await accountButton().click();
    await menu().getByRole('menuitem', { name: 'Rename account' }).click();
    await nameField.fill('x'.repeat(101));
    await renameDialog.getByRole('button', { name: 'Save' }).click();
    expect(await renameDialog.getByRole('alert').textContent()).toContain('at most 100 characters');
    await nameField.fill(renamedAccount);
    await saveScreenshot(page, '05b-rename-account');
    await renameDialog.getByRole('button', { name: 'Save' }).click();
    await gone(renameDialog);
    await visible(accountButton().getByText(renamedAccount));
    await accountButton().click();
    await visible(menu().getByRole('menuitemradio', { name: renamedAccount }));
    await page.keyboard.press('Escape');
    await gone(menu());

    const accounts = await page.evaluate(async () => {
      const response = await fetch('/api/v1/accounts', { credentials: 'same-origin' });
      return (await response.json()) as { items: { name: string }[] };
    });
    expect(accounts.items.map((account) => account.name).sort()).toEqual([admin.accountName, renamedAccount]);
  });

  it('switches back with the drop-down, and the server session follows', async () => {
    await accountButton().click();
    await visible(menu());
    expect(await menu().getByRole('menuitemradio').count()).toBe(2);
    expect(
      await menu().getByRole('menuitemradio', { name: renamedAccount }).getAttribute('aria-checked'),
    ).toBe('true');
    await menu().getByRole('menuitemradio', { name: admin.accountName }).click();
    await visible(accountButton().getByText(admin.accountName));
    const switched = await serverSession(page);
    const body = switched.body as { currentAccountId: string; accounts: { id: string; name: string }[] };
    expect(body.accounts.map((account) => account.name).sort()).toEqual([admin.accountName, renamedAccount]);
    expect(body.accounts.find((account) => account.id === body.currentAccountId)?.name).toBe(
      admin.accountName,
    );
  });

  it('shows the seven kinds on Settings > Source Code Managers, each opening its dialog', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const scmTab = page.getByRole('tab', { name: 'Source Code Managers' });
    expect(await scmTab.getAttribute('aria-selected')).toBe('true');
    await visible(page.getByText('No source code managers connected yet'));
    await visible(page.getByRole('heading', { name: 'Source code organizations' }));
    const kindButtons = page.getByRole('list', { name: 'Source code managers' }).getByRole('button');
    expect(await kindButtons.allTextContents()).toEqual(scmKinds.map((kind) => kind.addLabel));
    await saveScreenshot(page, '06-settings-scm');
    for (const kind of scmKinds) {
      await page.getByRole('button', { name: kind.addLabel, exact: true }).click();
      const dialog = page.getByRole('dialog', { name: kind.dialogTitle });
      // GitHub's dialog sends the admin to GitHub; every other kind's is a form with a Connect button.
      const primary = kind.connectsWith === 'app' ? kind.addLabel : 'Connect';
      await visible(dialog.getByRole('button', { name: primary, exact: true }));
      expect(await dialog.getByText('is not available yet').count()).toBe(0);
      for (const field of kind.fields) {
        const label = field.optional ? `${field.label} (optional)` : field.label;
        expect(await dialog.getByLabel(label, { exact: true }).isEnabled()).toBe(true);
      }
      // The self-managed kinds offer the CA certificate of an instance signed by a private CA.
      expect(await dialog.getByLabel('CA certificate (PEM)').count()).toBe(
        kind.hosting === 'self-managed' ? 1 : 0,
      );
      if (kind.id === 'gitlab-self-managed') await saveScreenshot(page, '07-scm-dialog');
      await page.keyboard.press('Escape');
      await gone(dialog);
    }
  });

  it('adds a member: an unknown email gets a one-time invitation link', async () => {
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/members');
    await visible(page.getByRole('cell', { name: admin.email, exact: true }));
    const addMember = page.getByRole('region', { name: 'Add a member' });
    await addMember.getByLabel('Email').fill(invitee.email);
    await addMember.getByLabel('Role').selectOption('member');
    await addMember.getByRole('button', { name: 'Add member' }).click();
    const inviteDialog = page.getByRole('dialog', { name: 'Invitation link' });
    inviteUrl = await inviteDialog.getByLabel('Invitation link').inputValue();
    expect(inviteUrl).toMatch(new RegExp(`^${service.url}/invite/[^/]+$`));
    await saveScreenshot(page, '08-invitation-link');
    await inviteDialog.getByRole('button', { name: 'Done' }).click();
    await gone(inviteDialog);
  });

  it('lets the invited person join, without admin controls', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    other.setDefaultTimeout(5_000);
    const guest = await other.newPage();
    const guestErrors = watchErrors(guest);
    await guest.goto(inviteUrl);
    await visible(guest.getByRole('heading', { name: `Join ${admin.accountName}` }));
    await guest.getByLabel('Your name').fill(invitee.name);
    await guest.getByLabel('Password').fill(invitee.password);
    await saveScreenshot(guest, '09-accept-invitation');
    await guest.getByRole('button', { name: 'Accept invitation' }).click();
    await guest.waitForURL((url) => url.pathname === '/projects');
    await visible(guest.getByRole('button', { name: /^Account / }).getByText(admin.accountName));
    await guest.getByRole('button', { name: /^Account / }).click();
    const guestMenu = guest.getByRole('menu', { name: 'Accounts' });
    await visible(guestMenu.getByRole('menuitem', { name: 'Create account' }));
    expect(await guestMenu.getByRole('menuitem', { name: 'Rename account' }).count()).toBe(0);
    await guest.keyboard.press('Escape');
    await gone(guestMenu);
    await guest.goto(`${service.url}/settings/members`);
    await visible(guest.getByRole('cell', { name: admin.email, exact: true }));
    expect(await guest.getByRole('button', { name: 'Add member' }).count()).toBe(0);
    expect(await guest.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    await saveScreenshot(guest, '10-members-as-member');
    expect(guestErrors).toEqual([]);
    await other.close();
  });

  it('lists the new member for the admin and removes them after a confirmation', async () => {
    await page.reload();
    await visible(page.getByRole('cell', { name: invitee.email, exact: true }));
    await saveScreenshot(page, '11-members');
    await page.getByRole('button', { name: `Remove ${invitee.name}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove member' });
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await gone(confirm);
    await gone(page.getByRole('cell', { name: invitee.email, exact: true }));
  });

  it('shows the refusal to demote the last admin and keeps the role', async () => {
    const ownRole = page.getByLabel(`Role of ${admin.name}`);
    await ownRole.selectOption('member');
    await visible(page.getByRole('region', { name: 'Members' }).getByRole('alert'));
    await page.waitForFunction(
      (name) =>
        document.querySelector<HTMLSelectElement>(`select[aria-label="Role of ${name}"]`)?.value === 'admin',
      admin.name,
    );
  });

  it('creates an API token whose secret is shown once, and revokes it', async () => {
    await page.getByRole('tab', { name: 'API tokens' }).click();
    await visible(page.getByText('No API tokens yet'));
    const createToken = page.getByRole('region', { name: 'Create an API token' });
    await createToken.getByLabel('Token name').fill('CI upload');
    await createToken.getByRole('button', { name: 'Create token' }).click();
    const tokenDialog = page.getByRole('dialog', { name: 'API token created' });
    const secret = await tokenDialog.getByLabel('Token').inputValue();
    expect(secret).toMatch(/^scmc_/);
    await saveScreenshot(page, '12-token-created');
    await page.keyboard.press('Escape');
    await gone(tokenDialog);
    await visible(page.getByRole('cell', { name: 'CI upload', exact: true }));
    expect(await page.content()).not.toContain(secret);
    await saveScreenshot(page, '13-tokens');
    await page.getByRole('button', { name: 'Revoke CI upload' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke API token' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await visible(page.getByText('No API tokens yet'));
  });

  it('signs out: the session ends and signed-in pages lead to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    expect((await serverSession(page)).status).toBe(401);
    await page.goto(`${service.url}/settings/tokens`);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/settings/tokens');
    await visible(page.getByRole('heading', { name: 'Sign in' }));
    await saveScreenshot(page, '14-signed-out');
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
