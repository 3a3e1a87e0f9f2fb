import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestService } from '../helpers/service.js';
import type { TwinKit } from '../helpers/twin-kits.js';
import { browserSkipReason } from './chromium.js';
import { startConnectedPage, type ConnectedPage } from './connected-page.js';
import { callApi, scrollsSideways, visible } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

interface CiSettings {
  readonly image: string;
  readonly secretName: string;
  readonly triggers: Readonly<Record<string, boolean>>;
}

/*
 * Issue 15 through the pages, against the GitLab twin (acme/website, acme/backend/api, acme/legacy which is
 * archived): the template on Settings > CI job, repositories picked on Projects, the review with the file to be
 * written, the run's page until it ends, and each merge request it opened.
 */
describe.skipIf(skipReason !== null)('adding the CI job to many repositories', () => {
  let world: ConnectedPage;
  let service: TestService;
  let kit: TwinKit;
  let page: Page;
  let errors: string[];
  let accountId: string;
  let runPath: string;

  /** A first commit in a project of the twin, through GitLab's commits API, as a developer would push one. */
  const pushReadme = async (fullName: string, branch: string) => {
    const answer = await fetch(
      `${kit.baseUrl}/api/v4/projects/${encodeURIComponent(fullName)}/repository/commits`,
      {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': kit.tokens.good, 'content-type': 'application/json' },
        body: JSON.stringify({
          branch,
          commit_message: 'Add a README',
          actions: [{ action: 'create', file_path: 'README.md', content: `# ${fullName}\n` }],
        }),
      },
    );
    expect(answer.status).toBe(201);
  };

  beforeAll(async () => {
    world = await startConnectedPage();
    ({ service, kit, page, errors, accountId } = world);
    // The kit's projects start empty (skipped as such); two get a first commit, then a sync sees it.
    await pushReadme('acme/website', 'main');
    await pushReadme('acme/backend/api', 'develop');
    const sync = await callApi(
      page,
      'POST',
      `/api/v1/accounts/${accountId}/connections/${world.connectionId}/sync`,
    );
    expect(sync.status).toBeLessThan(300);
    for (;;) {
      const jobs = await callApi<{ items: { status: string }[] }>(
        page,
        'GET',
        `/api/v1/accounts/${accountId}/jobs`,
      );
      if (jobs.body.items.every((job) => job.status !== 'queued' && job.status !== 'running')) break;
      await page.waitForTimeout(50);
    }
  }, 120_000);

  afterAll(() => world?.close());

  it('Settings > CI job refuses a bad secret name next to its field, then saves the template', async () => {
    await page.goto(`${service.url}/settings`);
    await page.getByRole('tab', { name: 'CI job' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/ci');
    const image = page.getByLabel('Scanner image');
    await visible(image);
    expect(await image.inputValue()).toBe('semgrep/semgrep');
    expect(await page.getByLabel('Secret name').inputValue()).toBe('SCM_CONNECT_API_TOKEN');
    expect(await page.getByRole('checkbox', { name: 'A daily schedule' }).isChecked()).toBe(true);

    await page.getByLabel('Secret name').fill('acme token');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Secret name: use capital letters, digits and _, starting with a letter'));
    expect(await page.getByLabel('Secret name').getAttribute('aria-invalid')).toBe('true');

    await image.fill('registry.acme.test/scanner:2');
    await page.getByLabel('Secret name').fill('ACME_SCAN_TOKEN');
    await page.getByRole('checkbox', { name: 'A daily schedule' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Saved: runs started from now on write this job.'));
    const saved = await callApi<CiSettings>(page, 'GET', `/api/v1/accounts/${accountId}/ci-settings`);
    expect(saved.body).toMatchObject({
      image: 'registry.acme.test/scanner:2',
      secretName: 'ACME_SCAN_TOKEN',
      triggers: { pullRequests: true, defaultBranchPushes: true, schedule: false },
    });
    await saveScreenshot(page, 'bulk-ci-01-settings');
  });

  it('picks repositories on Projects and reviews the file each CI system gets', async () => {
    await page.goto(`${service.url}/projects`);
    const box = (name: string) => page.getByRole('checkbox', { name: `Select ${name}`, exact: true });
    await visible(box('acme/website'));
    expect(await page.getByRole('button', { name: 'Add CI job' }).count()).toBe(0);

    // The header box takes every row shown; unticking one leaves the others.
    await page.getByRole('checkbox', { name: 'Select the repositories shown' }).check();
    await visible(page.getByText(`${world.repositoryIds.size} repositories selected.`));
    for (const name of world.repositoryIds.keys()) {
      if (!['acme/website', 'acme/backend/api', 'acme/legacy'].includes(name)) await box(name).uncheck();
    }
    await visible(page.getByText('3 repositories selected.'));
    expect(
      await page
        .getByRole('checkbox', { name: 'Select the repositories shown' })
        .evaluate((element) => (element as HTMLInputElement).indeterminate),
    ).toBe(true);

    await page.getByRole('button', { name: 'Add CI job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add the CI job' });
    await visible(dialog.getByText(/2 of 3 repositories/));
    const skipped = dialog.getByRole('list', { name: 'Skipped' });
    expect(await skipped.getByRole('listitem').count()).toBe(1);
    expect(await skipped.getByRole('listitem').textContent()).toContain('acme/legacy');
    expect(await skipped.getByRole('listitem').textContent()).toContain('Archived');

    const file = dialog.getByRole('region', { name: 'GitLab CI/CD file' });
    await visible(file);
    const content = await file.locator('pre').textContent();
    expect(content).toContain('registry.acme.test/scanner:2');
    expect(content).toContain('ACME_SCAN_TOKEN');
    expect(await file.getByText('.gitlab-ci.yml', { exact: true }).count()).toBe(1);

    await dialog.getByRole('button', { name: 'Show diff of acme/website' }).click();
    await visible(dialog.getByText(/No file there yet/));

    const pullRequests = dialog.getByRole('radio', { name: /Open a pull request in each repository/ });
    expect(await pullRequests.isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: /Commit to the default branch/ }).check();
    await visible(dialog.getByText(/Protected default branches refuse a direct commit/));
    await pullRequests.check();
    expect(await dialog.getByText(/Protected default branches refuse/).count()).toBe(0);
    await saveScreenshot(page, 'bulk-ci-02-review', { window: true });

    await dialog.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL((url) => /^\/ci-jobs\/[^/]+$/.test(url.pathname));
    runPath = new URL(page.url()).pathname;
  });

  it('follows the run to its end, with a link to each merge request it opened', async () => {
    const summary = page.locator('.ci-run-summary');
    expect(await summary.getAttribute('aria-live')).toBe('polite');
    await page.getByText(/^Finished:/).waitFor({ timeout: 60_000 });
    expect(await summary.textContent()).toBe('Finished: 2 pull requests opened, 1 skipped.');
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(0);

    const table = page.getByRole('table', { name: 'Repositories of the run' });
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await visible(row('acme/website').getByText('Merge request opened'));
    expect(await row('acme/legacy').textContent()).toContain('Skipped');

    const link = row('acme/website').getByRole('link', { name: 'Merge request of acme/website' });
    const href = await link.getAttribute('href');
    const match = new RegExp(
      `^${kit.baseUrl.replace(/[.]/g, '\\.')}/acme/website/-/merge_requests/(\\d+)$`,
    ).exec(href ?? '');
    expect(match, `merge request link ${href}`).not.toBeNull();
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    // The link names a merge request the twin holds, from the scanner's branch into the default branch.
    const answer = await fetch(
      `${kit.baseUrl}/api/v4/projects/${encodeURIComponent('acme/website')}/merge_requests/${match![1]}`,
      { headers: { 'PRIVATE-TOKEN': kit.tokens.good } },
    );
    expect(answer.status).toBe(200);
    const mergeRequest = (await answer.json()) as { web_url: string; target_branch: string; state: string };
    expect(mergeRequest).toMatchObject({ web_url: href, target_branch: 'main', state: 'opened' });
    await saveScreenshot(page, 'bulk-ci-03-run');

    const csvHref = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const csv = await page.evaluate(async (path) => (await fetch(path)).text(), csvHref!);
    expect(csv.split(/\r?\n/)[0]).toBe(
      'repository,system,status,outcome,pull_request_url,commit_url,reason,message,fix',
    );
    expect(csv).toContain(href!);
  });

  it('lists the run under CI job runs, newest first', async () => {
    await page.goto(`${service.url}/projects`);
    await page.getByRole('link', { name: 'CI job runs' }).click();
    await page.waitForURL((url) => url.pathname === '/ci-jobs');
    const runs = page.getByRole('table', { name: 'CI job runs' });
    await visible(runs);
    const first = runs.locator('tbody tr').first();
    expect(await first.textContent()).toContain('Finished');
    expect(await first.textContent()).toContain('2 pull requests opened');
    await first.getByRole('link').click();
    await page.waitForURL((url) => url.pathname === runPath);
  });

  it('fits 390 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${service.url}${runPath}`);
    await visible(page.getByRole('table', { name: 'Repositories of the run' }));
    expect(await scrollsSideways(page)).toBe(false);
    await saveScreenshot(page, 'bulk-ci-390-run');

    await page.goto(`${service.url}/projects`);
    await page.getByRole('checkbox', { name: 'Select acme/website', exact: true }).check();
    await page.getByRole('button', { name: 'Add CI job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add the CI job' });
    await visible(dialog.getByText(/1 of 1 repository/));
    expect(await scrollsSideways(page)).toBe(false);
    await saveScreenshot(page, 'bulk-ci-390-review', { window: true });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('raised no page error', () => {
    expect(errors).toEqual([]);
  });
});
