import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { enqueueJob } from '../../src/jobs/index.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startKit, type TwinKit } from '../helpers/twin-kits.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import { loopbackEnv } from '../api/connections/connections-api.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import {
  callApi,
  currentAccountId,
  scrollsSideways,
  setUpThroughPage,
  visible,
  watchErrors,
} from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

/** Enough projects for a sync that reports progress several times (every 500) while the twin answers slowly. */
const generated = 2_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

interface JobAnswer {
  readonly id: string;
  readonly status: string;
  readonly attempts: number;
  readonly progress: { done: number; total: number | null } | null;
}

describe.skipIf(skipReason !== null)('the Activity page', () => {
  let kit: TwinKit;
  /** A second GitLab instance, whose token expires in ten days. */
  let expiringTwin: GitLabTwin | undefined;
  let service: TestService;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let accountId: string;
  let connectionId: string;

  const jobsPath = () => `/api/v1/accounts/${accountId}/jobs`;
  const row = (jobId: string): Locator => page.locator(`tr[data-job-id="${jobId}"]`);
  const cell = (jobId: string, label: string): Locator => row(jobId).locator(`td[data-label="${label}"]`);
  const statusOf = (jobId: string) => cell(jobId, 'Status').textContent();
  const waitForStatus = (jobId: string, status: string) =>
    visible(cell(jobId, 'Status').getByText(status, { exact: true }));
  const getJob = async (jobId: string) =>
    (await callApi<JobAnswer>(page, 'GET', `${jobsPath()}/${jobId}`)).body;
  const syncNow = async (): Promise<string> => {
    const answer = await callApi<{ job: { id: string } }>(
      page,
      'POST',
      `/api/v1/accounts/${accountId}/connections/${connectionId}/sync`,
    );
    expect(answer.status).toBe(202);
    return answer.body.job.id;
  };
  const waitUntilFinished = async (jobId: string) => {
    for (;;) {
      const job = await getJob(jobId);
      if (job.status !== 'queued' && job.status !== 'running') return job;
      await page.waitForTimeout(50);
    }
  };
  const openActivityFromSidebar = async () => {
    await page.goto(`${service.url}/projects`);
    await page.getByRole('navigation').getByRole('link', { name: 'Activity', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/activity');
    await visible(page.getByRole('heading', { name: 'Activity', level: 1 }));
  };

  beforeAll(async () => {
    [kit] = await Promise.all([
      startKit('gitlab-self-managed', { generatedRepositories: generated }),
      ensureWebBuild(),
    ]);
    [service, browser] = await Promise.all([startTestService(loopbackEnv), launchChromium()]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    page = await context.newPage();
    errors = watchErrors(page);
    await setUpThroughPage(page, service.setupUrl!);
    accountId = await currentAccountId(page);
    const connected = await callApi<{ id: string }>(
      page,
      'POST',
      `/api/v1/accounts/${accountId}/connections`,
      kit.connectBody(),
    );
    expect(connected.status).toBe(201);
    connectionId = connected.body.id;
    // The sync that Connect queued finishes before the tests start theirs.
    const first = await callApi<{ items: JobAnswer[] }>(page, 'GET', `${jobsPath()}?kind=connection.sync`);
    for (const job of first.body.items) await waitUntilFinished(job.id);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await kit?.close();
    await expiringTwin?.close();
  });

  it('shows a running sync with its progress moving on its own, then its outcome', async () => {
    kit.twin.faults.latencyMs = 250;
    const jobId = await syncNow();
    await openActivityFromSidebar();
    for (const column of [
      'Job',
      'Connection',
      'Status',
      'Progress',
      'Attempts',
      'Started',
      'Finished',
      'Error',
    ]) {
      await visible(page.getByRole('columnheader', { name: column, exact: true }));
    }
    // No reload from here on: what changes on screen comes from the page's own polling.
    await waitForStatus(jobId, 'Running');
    const seen = new Set<string>();
    const progress = cell(jobId, 'Progress');
    while (((await statusOf(jobId)) ?? '').includes('Running')) {
      const text = (await progress.textContent()) ?? '';
      if (/so far/.test(text)) seen.add(text);
      await page.waitForTimeout(100);
    }
    kit.twin.faults.latencyMs = 0;
    // At least two different counts while it ran: the progress moved without a reload.
    expect(seen.size).toBeGreaterThanOrEqual(2);
    await waitForStatus(jobId, 'Succeeded');
    const total = kit.repositoryCount.toLocaleString('en-US');
    expect(await progress.textContent()).toBe(total);
    expect(await cell(jobId, 'Connection').textContent()).toContain('GitLab Self-Managed');
    expect(await cell(jobId, 'Job').textContent()).toContain('Repository sync');
    expect(await cell(jobId, 'Attempts').textContent()).toMatch(/^1( of \d+)?$/);
    expect(await cell(jobId, 'Started').textContent()).not.toBe('—');
    expect(await cell(jobId, 'Finished').textContent()).not.toBe('—');
    expect(await cell(jobId, 'Error').textContent()).toBe('—');
    expect(await getJob(jobId)).toMatchObject({
      status: 'succeeded',
      progress: { done: kit.repositoryCount },
    });
    await saveScreenshot(page, 'activity-01-sync-succeeded');
  }, 60_000);

  it('shows a failed sync with its error and fix, and runs it again on Retry', async () => {
    // The SCM refuses the token once: the sync fails for good (an auth error is not retried on its own).
    kit.twin.faults.next({ kind: 'status', status: 401, body: { message: '401 Unauthorized' } });
    const jobId = await syncNow();
    expect((await waitUntilFinished(jobId)).status).toBe('failed');
    await openActivityFromSidebar();
    await waitForStatus(jobId, 'Failed');
    const error = cell(jobId, 'Error');
    expect(await error.textContent()).toMatch(/Fix: /);
    const before = kit.twin.log.length;
    await row(jobId).getByRole('button', { name: 'Retry Repository sync' }).click();
    await waitForStatus(jobId, 'Succeeded');
    // It really ran again: the twin was asked for the group's projects once more.
    expect(kit.twin.log.slice(before).some((request) => request.path.includes('/projects'))).toBe(true);
    expect(await error.textContent()).toBe('—');
    expect(await getJob(jobId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    await saveScreenshot(page, 'activity-02-retried');
  }, 60_000);

  it('shows a job queued while the page is open, and cancels it', async () => {
    await openActivityFromSidebar();
    await visible(page.locator('tbody tr[data-job-id]').first());
    // Queued elsewhere (a schedule, another tab) after the page loaded, due in an hour: it appears on its own.
    const queued = await enqueueJob(service.database.db, {
      accountId,
      kind: 'connection.sync',
      payload: { connectionId, reason: 'manual' },
      runAt: new Date(Date.now() + hourMs),
    });
    await waitForStatus(queued.id, 'Queued');
    await row(queued.id).getByRole('button', { name: 'Cancel Repository sync' }).click();
    await waitForStatus(queued.id, 'Cancelled');
    await visible(row(queued.id).getByRole('button', { name: 'Retry Repository sync' }));
    expect(await row(queued.id).getByRole('button', { name: 'Cancel Repository sync' }).count()).toBe(0);
    expect(await getJob(queued.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
  }, 60_000);

  it('filters by status, kind and connection', async () => {
    kit.twin.faults.next({ kind: 'status', status: 401, body: { message: '401 Unauthorized' } });
    const failed = await syncNow();
    expect((await waitUntilFinished(failed)).status).toBe('failed');
    const health = await enqueueJob(service.database.db, {
      accountId,
      kind: 'account.webhook-health',
      payload: {},
      runAt: new Date(Date.now() + hourMs),
    });
    await openActivityFromSidebar();
    await visible(row(failed));
    await visible(row(health.id));
    const rows = page.locator('tbody tr[data-job-id]');
    const shownIds = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-job-id')));
    const select = (name: string) => page.getByRole('combobox', { name, exact: true });

    /** Waits until the table lists exactly `ids`, in this order (the filtered listing has arrived). */
    const showsExactly = async (ids: readonly string[]) => {
      await page.waitForFunction(
        (expected) =>
          JSON.stringify(
            [...document.querySelectorAll('tbody tr[data-job-id]')].map((tr) =>
              tr.getAttribute('data-job-id'),
            ),
          ) === JSON.stringify(expected),
        ids,
      );
      expect(await shownIds()).toEqual(ids);
    };

    await select('Status').selectOption('failed');
    await showsExactly([failed]);

    await select('Status').selectOption('');
    await select('Job').selectOption('account.webhook-health');
    await showsExactly([health.id]);

    await select('Job').selectOption('connection.token-expiry');
    await visible(page.getByText('No job matches these filters'));
    expect(await rows.count()).toBe(0);

    await select('Job').selectOption('');
    await select('Connection').selectOption(connectionId);
    const all = (
      await callApi<{ items: { id: string; connectionId: string | null }[] }>(
        page,
        'GET',
        `${jobsPath()}?limit=200`,
      )
    ).body.items;
    const ofConnection = all.filter((job) => job.connectionId === connectionId).map((job) => job.id);
    expect(ofConnection).toContain(failed);
    await showsExactly(ofConnection);
    const byConnection = await shownIds();
    expect(byConnection).not.toContain(health.id);
  }, 60_000);

  it('shows a token that expires within 14 days on the connection in the list, and its daily check', async () => {
    expiringTwin = await startGitLabTwin(demoGitLabScenario());
    const expiresAt = new Date(Date.now() + 10 * dayMs).toISOString().slice(0, 10);
    expiringTwin.addToken({ value: 'glpat-expires-soon', user: 'alice', scopes: ['api'], expiresAt });
    const connected = await callApi<{ id: string; name: string }>(
      page,
      'POST',
      `/api/v1/accounts/${accountId}/connections`,
      { kind: 'gitlab-self-managed', baseUrl: expiringTwin.url, group: 'acme', token: 'glpat-expires-soon' },
    );
    expect(connected.status).toBe(201);
    // The job the daily schedule fans out for each connection, queued as it would be.
    const check = await enqueueJob(service.database.db, {
      accountId,
      kind: 'connection.token-expiry',
      payload: { connectionId: connected.body.id },
    });
    expect(await waitUntilFinished(check.id)).toMatchObject({ status: 'succeeded' });

    await openActivityFromSidebar();
    await waitForStatus(check.id, 'Succeeded');
    expect(await cell(check.id, 'Job').textContent()).toContain('Token expiry check');

    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
    const listed = page.getByRole('listitem', { name: `GitLab Self-Managed: ${connected.body.name}` });
    const expiry = listed.locator('.connection-expiry');
    await visible(expiry);
    expect(await expiry.textContent()).toContain('Token expires soon');
    expect(await expiry.textContent()).toContain(`(${expiresAt})`);
    expect(await expiry.textContent()).toMatch(/new token/);
    // The connection of the main twin, whose token does not expire soon, shows no such line.
    const others = page.locator('.connection-row').filter({ hasNot: page.locator('.connection-expiry') });
    expect(await others.count()).toBeGreaterThanOrEqual(1);
    await saveScreenshot(page, 'activity-03-token-expiry-in-list');
  }, 60_000);

  it('fits 390 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${service.url}/activity`);
    await visible(page.locator('tbody tr[data-job-id]').first());
    expect(await scrollsSideways(page)).toBe(false);
    await saveScreenshot(page, 'activity-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('raised no page error', () => {
    expect(errors).toEqual([]);
  });
});
