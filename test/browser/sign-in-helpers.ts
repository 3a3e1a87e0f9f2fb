import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ApiClient } from '../helpers/api-client.js';
import { callApi, visible, watchErrors } from './page-helpers.js';

interface MembershipSettings {
  source: null | { label: string; lastReconciledAt: string | null };
}

/** Polls `read` until it answers something; `timeoutMs` is how long the behaviour may take, not a measurement. */
export async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The account's membership source once its first reconciliation has run. */
export const reconciledSource = (admin: ApiClient, accountId: string) =>
  eventually(async () => {
    const answer = await admin.get<MembershipSettings>(`/api/v1/accounts/${accountId}/membership-source`);
    return answer.body.source?.lastReconciledAt ? answer.body.source : undefined;
  });

/** Signs in on scm-connect's sign-in page with email and password; ends on /projects. */
export async function signInWithPassword(page: Page, serviceUrl: string, email: string, password: string) {
  await page.goto(`${serviceUrl}/login`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/projects');
}

/** The refusal the sign-in page shows for `/login?error=not_a_member`. */
export async function expectNotAMember(page: Page, serviceUrl: string) {
  await page.waitForURL((url) => url.origin === serviceUrl && url.pathname === '/login');
  expect(new URL(page.url()).searchParams.get('error')).toBe('not_a_member');
  const alert = page.getByRole('alert').filter({ hasText: 'not a member of an organization or group' });
  await visible(alert);
  expect((await callApi(page, 'GET', '/api/v1/session')).status).toBe(401);
}

/**
 * After the person lost access: their session answers 401 (within the minute the webhook path promises), and
 * the open page, on its next navigation, sends them to the sign-in page.
 */
export async function expectSentToSignIn(page: Page, serviceUrl: string) {
  await eventually(
    async () => ((await callApi(page, 'GET', '/api/v1/session')).status === 401 ? true : undefined),
    60_000,
  );
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Findings' }).click();
  await page.waitForURL((url) => url.origin === serviceUrl && url.pathname === '/login');
  await visible(page.getByRole('heading', { name: 'Sign in' }));
  expect(new URL(page.url()).searchParams.get('next')).toBe('/findings');
}

/**
 * A page in a new browser context (1280×900, 10 s for each action) with its errors collected; the context joins
 * `contexts`, which the test closes at the end.
 */
export async function openPage(browser: Browser, contexts: BrowserContext[]) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

/** Closes the contexts the tests opened, then the browser (when it was launched). */
export async function closeBrowser(browser: Browser | undefined, contexts: readonly BrowserContext[]) {
  for (const context of contexts) await context.close();
  await browser?.close();
}

/** The SCM a browser signs in on: its name on scm-connect's buttons and its twin's web address. */
export interface ScmSite {
  readonly name: 'GitHub' | 'GitLab';
  readonly webUrl: string;
}

/** The username field of each SCM's sign-in page. */
const usernameLabels = { GitHub: 'Username or email address', GitLab: 'Username or primary email' } as const;

/** Follows the link `link` of scm-connect's page to the SCM and signs in there as `who`. */
export async function signInOnScm(
  page: Page,
  link: string,
  scm: ScmSite,
  who: { username: string; password: string },
) {
  await page.getByRole('link', { name: link }).click();
  await page.waitForURL((url) => url.origin === scm.webUrl);
  await page.getByLabel(usernameLabels[scm.name]).fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** From scm-connect's sign-in page through the SCM's pages (sign in, Authorize) and back. */
export async function signInWithScm(
  page: Page,
  serviceUrl: string,
  scm: ScmSite,
  who: { username: string; password: string },
) {
  await page.goto(`${serviceUrl}/login`);
  await signInOnScm(page, `Sign in with ${scm.name}`, scm, who);
  await visible(page.getByRole('heading', { name: /^Authorize / }));
  await page.getByRole('button', { name: 'Authorize' }).click();
}
