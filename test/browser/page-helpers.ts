import type { Locator, Page } from 'playwright-core';

export const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
export const gone = (locator: Locator) => locator.waitFor({ state: 'detached' });

export interface BrowserAdmin {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly accountName: string;
}

export const defaultAdmin: BrowserAdmin = {
  name: 'Ada Admin',
  email: 'ada@example.com',
  password: 'correct horse battery staple 42',
  accountName: 'Acme Security',
};

/** Collects uncaught page errors, console errors (a CSP violation shows up here) and dialogs. */
export const watchErrors = (page: Page): string[] => {
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

/** Creates the first admin through the set-up page, as a person does; ends on /projects. */
export const setUpThroughPage = async (page: Page, setupUrl: string, admin: BrowserAdmin = defaultAdmin) => {
  await page.goto(setupUrl);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Account name').fill(admin.accountName);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.waitForURL((url) => url.pathname === '/projects');
};

export interface PageAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** Calls the API from the page with its own session cookie and CSRF token, as the UI does. */
export const callApi = <T = unknown>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<PageAnswer<T>> =>
  page.evaluate(
    async ({ method, path, body }) => {
      const session = await fetch('/api/v1/session', { credentials: 'same-origin' });
      const { csrfToken } = (await session.json()) as { csrfToken: string };
      const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: {
          accept: 'application/json',
          ...(method === 'GET' ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrfToken }),
        },
        ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
    { method, path, body },
  );

/** The current account of the page's session. */
export const currentAccountId = async (page: Page): Promise<string> =>
  (await callApi<{ currentAccountId: string }>(page, 'GET', '/api/v1/session')).body.currentAccountId;

/** Whether the page is wider than the window, i.e. could be scrolled sideways. */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
