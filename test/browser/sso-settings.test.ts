import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addPerson, adminPassword, setUpAdmin, type ApiClient } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { selfSignedKey } from '../sso/idp/certificates.js';
import { startOidcIdp, type OidcTestIdp } from '../sso/idp/oidc-idp.js';
import { startSamlIdp, type SamlTestIdp } from '../sso/idp/saml-idp.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { callApi, visible, watchErrors } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { closeBrowser, openPage, signInWithPassword } from './sign-in-helpers.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const admin = { email: 'admin@example.com', password: adminPassword };

/**
 * Settings > Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider): the redirect URL
 * to register, the OIDC form, Test sign-in and its result banner (passed and failed), Activate, then a person
 * signing in with SSO from the sign-in page by work email, and Require SSO with a break-glass admin.
 */
describe.skipIf(skipReason !== null)('single sign-on settings in the browser', () => {
  let service: TestService;
  let idp: OidcTestIdp;
  let samlIdp: SamlTestIdp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  let errors: string[];
  let accountId: string;
  let adminApi: ApiClient;

  beforeAll(async () => {
    await ensureWebBuild();
    service = await startTestService({
      SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1 localhost',
      SCM_CONNECT_ALLOW_HTTP: 'true',
    });
    const { client, session } = await setUpAdmin(service);
    adminApi = client;
    accountId = session.currentAccountId!;
    idp = await startOidcIdp({ redirectUri: `${service.url}/auth/oidc/callback` });
    // Its signing certificate expires in 10 days: Settings warns about it.
    samlIdp = await startSamlIdp({ key: selfSignedKey('Expiring IdP', 10) });
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, contexts));
    await signInWithPassword(page, service.url, admin.email, admin.password);
  }, 120_000);

  afterAll(async () => {
    await closeBrowser(browser, contexts);
    await idp?.close();
    await samlIdp?.close();
    await service?.close();
  });

  const oidcCard = () => page.getByRole('region', { name: /^OpenID Connect/ });

  it('shows the redirect URL to register before anything is saved', async () => {
    await page.goto(`${service.url}/settings/sso`);
    expect(await page.getByRole('tab', { name: 'Single sign-on' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    const redirect = oidcCard().getByLabel('Redirect URL');
    await visible(redirect);
    expect(await redirect.inputValue()).toBe(`${service.url}/auth/oidc/callback`);
    await visible(page.getByText('Save the SAML settings to get the SP entity id and ACS URL'));
  });

  it('refuses an issuer without a discovery document, next to the field', async () => {
    const form = page.getByRole('form', { name: 'OpenID Connect settings' });
    await form.getByLabel('Name').fill('Acme IdP');
    await form.getByLabel('Issuer').fill(`${idp.issuer}/no-such-tenant`);
    await form.getByLabel('Client ID').fill(idp.clientId);
    await form.getByLabel('Client secret').fill(idp.clientSecret);
    await form.getByLabel('Allowed email domains').fill('example.com');
    await form.getByRole('button', { name: 'Save OpenID Connect' }).click();
    const refusal = form.locator('.field-invalid', { has: page.getByLabel('Issuer') }).getByRole('alert');
    await visible(refusal);
    expect(await refusal.textContent()).toMatch(/^Issuer: /);
  });

  it('saves the OpenID Connect form as a draft that must be tested', async () => {
    const form = page.getByRole('form', { name: 'OpenID Connect settings' });
    await form.getByLabel('Issuer').fill(idp.issuer);
    await form.getByRole('button', { name: 'Save OpenID Connect' }).click();
    await visible(page.getByText('OpenID Connect is saved. Run Test sign-in, then activate it.'));
    await visible(oidcCard().getByText('Draft: not tested'));
    await visible(oidcCard().getByText('Not tested yet.'));
    expect(await oidcCard().getByLabel('Redirect URL').inputValue()).toBe(
      `${service.url}/auth/oidc/callback`,
    );
    // The secret is stored, never shown: the field is empty and says so.
    expect(await form.getByLabel('Client secret').inputValue()).toBe('');
    await visible(form.getByText('Stored encrypted. Leave empty to keep it.'));
    await saveScreenshot(page, 'sso-01-oidc-draft');
  });

  it('shows a failed Test sign-in in a banner, with the reason', async () => {
    idp.cancelNext();
    await oidcCard().getByRole('link', { name: 'Test sign-in with OpenID Connect' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/sso' && url.search === '');
    const banner = page.getByRole('alert').filter({ hasText: 'Test sign-in failed' });
    await visible(banner);
    expect(await banner.textContent()).toMatch(/cancelled, or the identity provider refused it/);
    await visible(oidcCard().getByText(/^Last Test sign-in failed/));
    await visible(oidcCard().getByText('Draft: not tested'));
  });

  it('passes Test sign-in, then activates the provider', async () => {
    idp.signInAs({ sub: 'admin-sub', email: admin.email, email_verified: true, name: 'Ada Admin' });
    await oidcCard().getByRole('link', { name: 'Test sign-in with OpenID Connect' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/sso' && url.search === '');
    await visible(page.getByRole('status').filter({ hasText: 'Test sign-in succeeded' }));
    await visible(oidcCard().getByText('Tested', { exact: true }));
    await saveScreenshot(page, 'sso-02-tested');
    await oidcCard().getByRole('button', { name: 'Activate' }).click();
    await visible(oidcCard().getByText('Active', { exact: true }));
    await visible(oidcCard().getByRole('button', { name: 'Deactivate' }));
    // The banner is shown once: a reload does not repeat it.
    await page.reload();
    await visible(oidcCard().getByText('Active', { exact: true }));
    expect(await page.getByText('Test sign-in succeeded').count()).toBe(0);
  });

  it('lets a person of the allowed domain sign in with SSO from the sign-in page', async () => {
    const other = await browser.newContext();
    other.setDefaultTimeout(10_000);
    const person = await other.newPage();
    const personErrors = watchErrors(person);
    idp.signInAs({
      sub: 'grace-sub',
      email: 'grace@example.com',
      email_verified: true,
      name: 'Grace Hopper',
    });
    await person.goto(`${service.url}/login`);
    await person.getByRole('button', { name: 'Sign in with SSO' }).click();
    await person.getByLabel('Work email').fill('grace@example.com');
    await saveScreenshot(person, 'sso-03-sign-in-by-email');
    await person.getByRole('button', { name: 'Continue with SSO' }).click();
    await person.waitForURL((url) => url.origin === service.url && url.pathname === '/projects');
    const session = await callApi<{ user: { email: string }; currentAccountId: string }>(
      person,
      'GET',
      '/api/v1/session',
    );
    expect(session.body.user.email).toBe('grace@example.com');
    expect(session.body.currentAccountId).toBe(accountId);

    // A domain no provider claims is refused on the page.
    await person.context().clearCookies();
    await person.goto(`${service.url}/login`);
    await person.getByRole('button', { name: 'Sign in with SSO' }).click();
    await person.getByLabel('Work email').fill('someone@elsewhere.test');
    await person.getByRole('button', { name: 'Continue with SSO' }).click();
    await visible(
      person.getByRole('alert').filter({ hasText: 'No single sign-on is set up for this email domain.' }),
    );
    expect(personErrors).toEqual([]);
    await other.close();
  });

  const samlCard = () => page.getByRole('region', { name: /^SAML 2\.0/ });

  it('saves SAML from its metadata URL: the SP entity id and ACS URL to copy, and the certificate expiry warned', async () => {
    const form = page.getByRole('form', { name: 'SAML settings' });
    await form.getByLabel('Name', { exact: true }).fill('Acme SAML');
    await form.getByLabel('Metadata URL').fill(samlIdp.metadataUrl);
    await form.getByLabel('Allowed email domains').fill('example.org');
    expect(await form.getByLabel('Email attribute').inputValue()).toBe('email');
    expect(await form.getByLabel('Name attribute').inputValue()).toBe('name');
    await form.getByRole('button', { name: 'Save SAML' }).click();
    await visible(page.getByText(/^SAML is saved\./));
    await visible(samlCard().getByText('Draft: not tested'));
    const entityId = await samlCard().getByLabel('SP entity id').inputValue();
    const acsUrl = await samlCard().getByLabel('ACS URL').inputValue();
    expect(entityId).toMatch(new RegExp(`^${service.url}/auth/saml/[^/]+/metadata$`));
    expect(acsUrl).toBe(entityId.replace(/\/metadata$/, '/acs'));
    const warning = page.getByRole('status').filter({ hasText: 'expires within 30 days' });
    await visible(warning);
    expect(await warning.textContent()).toContain('CN=Expiring IdP');
    await saveScreenshot(page, 'sso-04-saml');
  });

  it('passes Test sign-in with SAML, the assertion posted back by the identity provider', async () => {
    samlIdp.signInAs({ nameId: 'ada', attributes: { email: 'ada@example.org', name: 'Ada Admin' } });
    await samlCard().getByRole('link', { name: 'Test sign-in with SAML' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/sso' && url.search === '');
    await visible(page.getByRole('status').filter({ hasText: 'Test sign-in succeeded' }));
    await visible(samlCard().getByText('Tested', { exact: true }));
    await visible(samlCard().getByText(/^Last Test sign-in passed/));
  });

  it('requires SSO with a break-glass admin: a member’s password sign-in is refused', async () => {
    await addPerson(adminApi, service, accountId, 'mel@example.com', 'member');
    await page.goto(`${service.url}/settings/sso`);
    const policy = page.getByRole('form', { name: 'Single sign-on policy' });
    await policy.getByRole('switch', { name: 'Require single sign-on for everyone in this account' }).check();
    await policy.getByLabel('Break-glass admin').selectOption({ label: `Ada Admin (${admin.email})` });
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await visible(page.getByText(/^Single sign-on is required/));
    await saveScreenshot(page, 'sso-05-required');

    const other = await browser.newContext();
    other.setDefaultTimeout(10_000);
    const member = await other.newPage();
    await member.goto(`${service.url}/login`);
    await member.getByLabel('Email', { exact: true }).fill('mel@example.com');
    await member.getByLabel('Password').fill(adminPassword);
    await member.getByRole('button', { name: 'Sign in', exact: true }).click();
    await visible(member.getByRole('alert').filter({ hasText: 'requires single sign-on' }));
    expect(new URL(member.url()).pathname).toBe('/login');
    await other.close();
    expect(errors).toEqual([]);
  });
});
