import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import { launchChromium } from './chromium.js';
import { callApi, currentAccountId, setUpThroughPage, watchErrors } from './page-helpers.js';
import { ensureWebBuild } from './web-build.js';

/** The service set up through its pages in Chromium, with one GitLab connection to the twin, synced. */
export interface ConnectedPage {
  readonly kit: TwinKit;
  readonly service: TestService;
  readonly browser: Browser;
  readonly page: Page;
  /** Console errors and failed requests the page reported. */
  readonly errors: string[];
  readonly accountId: string;
  readonly connectionId: string;
  /** Repository ids by full name, as the API lists them. */
  readonly repositoryIds: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export async function startConnectedPage(): Promise<ConnectedPage> {
  const [kit] = await Promise.all([startKit('gitlab'), ensureWebBuild()]);
  const [service, browser] = await Promise.all([
    startTestService({ SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1', SCM_CONNECT_ALLOW_HTTP: 'true', ...kit.env }),
    launchChromium(),
  ]);
  const close = async () => {
    await browser.close();
    await service.close();
    await kit.close();
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await setUpThroughPage(page, service.setupUrl!);
    const accountId = await currentAccountId(page);
    const connected = await callApi<{ id: string }>(
      page,
      'POST',
      `/api/v1/accounts/${accountId}/connections`,
      kit.connectBody(),
    );
    expect(connected.status).toBe(201);
    for (;;) {
      const jobs = await callApi<{ items: { status: string }[] }>(
        page,
        'GET',
        `/api/v1/accounts/${accountId}/jobs`,
      );
      if (jobs.body.items.every((job) => job.status !== 'queued' && job.status !== 'running')) break;
      await page.waitForTimeout(50);
    }
    const listed = await callApi<{ items: { id: string; fullName: string }[] }>(
      page,
      'GET',
      `/api/v1/accounts/${accountId}/repositories?limit=50`,
    );
    const repositoryIds = new Map(listed.body.items.map((item) => [item.fullName, item.id]));
    return {
      kit,
      service,
      browser,
      page,
      errors,
      accountId,
      connectionId: connected.body.id,
      repositoryIds,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
