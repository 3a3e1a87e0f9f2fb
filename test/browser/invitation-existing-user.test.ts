import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addPerson, adminPassword, setUpAdmin, type ApiClient } from '../helpers/api-client.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();

describe.skipIf(skipReason !== null)('an invitation for someone who has a user here', () => {
  let service: TestService;
  let browser: Browser;
  let admin: ApiClient;
  let secondId: string;
  let inviteUrl: string;

  beforeAll(async () => {
    await ensureWebBuild();
    [service, browser] = await Promise.all([startTestService(), launchChromium()]);
    const setUp = await setUpAdmin(service);
    admin = setUp.client;
    await addPerson(admin, service, setUp.session.currentAccountId!, 'frank@example.com', 'member');
    secondId = (await admin.post<{ id: string }>('/api/v1/accounts', { name: 'Second' })).body.id;
    const invited = await admin.post<{ invitation: { url: string } }>(
      `/api/v1/accounts/${secondId}/members`,
      {
        email: 'frank@example.com',
        role: 'member',
      },
    );
    inviteUrl = invited.body.invitation.url;
  });
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('is accepted by signing in as that person and clicking Accept', async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(5_000);
    const page = await context.newPage();
    await page.goto(inviteUrl);
    await page.getByRole('heading', { name: 'Join Second' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.getByLabel('Email').fill('frank@example.com');
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/invite/'));
    await page.getByText('You are signed in as frank@example.com').waitFor();
    expect(await page.getByLabel('Your name').count()).toBe(0);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL((url) => url.pathname === '/projects');
    const members = await admin.get<{ items: { email: string }[] }>(`/api/v1/accounts/${secondId}/members`);
    expect(members.body.items.map((m) => m.email)).toContain('frank@example.com');
    await context.close();
  });
});
