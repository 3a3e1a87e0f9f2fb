import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { triageFinding } from '../../src/findings/triage.js';
import type { TestService } from '../helpers/service.js';
import { browserSkipReason } from './chromium.js';
import { startConnectedPage, type ConnectedPage } from './connected-page.js';
import { FindingsSeed, sha } from './findings-seed.js';
import { callApi, visible } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

interface Settings {
  readonly ruleThreshold: number;
  readonly blockingSeverities: readonly string[];
}

interface Switchable {
  readonly id: string;
  readonly fullName?: string;
  readonly commentsEnabled: boolean;
}

describe.skipIf(skipReason !== null)('pull request comment settings and triage by reply', () => {
  let world: ConnectedPage;
  let service: TestService;
  let page: Page;
  let errors: string[];
  let accountId: string;
  let connectionId: string;
  let websiteId: string;
  let findingId: string;

  const settings = async () =>
    (await callApi<Settings>(page, 'GET', `/api/v1/accounts/${accountId}/comment-settings`)).body;

  beforeAll(async () => {
    world = await startConnectedPage();
    ({ service, page, errors, accountId, connectionId } = world);
    websiteId = world.repositoryIds.get('acme/website')!;

    const seed = new FindingsSeed(service.database.db, accountId, connectionId);
    const scan = await seed.scan({
      repositoryId: websiteId,
      commitSha: sha(3),
      branch: null,
      pullRequestNumber: 12,
      baseCommitSha: sha(1),
    });
    findingId = await seed.finding({
      repositoryId: websiteId,
      ruleId: 'js/sql-injection',
      severity: 'critical',
      message: 'This query depends on a user-provided value.',
      location: { path: 'src/db.js', startLine: 12 },
      scans: [{ id: scan, newInPullRequest: true }],
    });
    const db = service.database.db;
    const via = { kind: 'pull-request-comment', login: 'dev-lee', pullRequest: 12 } as const;
    await triageFinding(db, {
      accountId,
      findingId,
      userId: null,
      action: { action: 'ignore', reason: 'false_positive', note: 'test fixture only' },
      via: { ...via, url: 'https://gitlab.example.com/acme/website/-/merge_requests/12#note_5' },
    });
    // A link that is not http(s) is shown as text.
    await triageFinding(db, {
      accountId,
      findingId,
      userId: null,
      action: { action: 'reopen' },
      via: { ...via, login: 'sam', url: 'javascript:alert(1)' },
    });
  }, 120_000);

  afterAll(() => world?.close());

  it('Settings > Pull request comments shows the defaults, refuses a bad threshold and saves', async () => {
    await page.goto(`${service.url}/settings`);
    await page.getByRole('tab', { name: 'Pull request comments' }).click();
    await page.waitForURL((url) => url.pathname === '/settings/comments');
    const threshold = page.getByLabel('Rule threshold');
    await visible(threshold);
    expect(await threshold.inputValue()).toBe('5');
    const box = (name: string) => page.getByRole('checkbox', { name, exact: true });
    expect(await box('Critical').isChecked()).toBe(true);
    expect(await box('High').isChecked()).toBe(true);
    expect(await box('Medium').isChecked()).toBe(false);

    await threshold.fill('0');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('Rule threshold: enter a whole number from 1 to 1000'));
    expect(await settings()).toEqual({ ruleThreshold: 5, blockingSeverities: ['critical', 'high'] });

    await threshold.fill('12');
    await box('High').uncheck();
    await box('Medium').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText(/Saved: a rule firing more than 12 times goes to the summary/));
    // The form is ready for another change.
    expect(await page.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
    expect(await threshold.inputValue()).toBe('12');
    expect(await settings()).toEqual({ ruleThreshold: 12, blockingSeverities: ['critical', 'medium'] });
    await saveScreenshot(page, 'comment-settings-01-tab');

    await page.reload();
    await visible(page.getByLabel('Rule threshold'));
    expect(await page.getByLabel('Rule threshold').inputValue()).toBe('12');
    expect(await box('High').isChecked()).toBe(false);
    expect(await box('Medium').isChecked()).toBe(true);
  });

  it('switches comments off for a connection on the Source Code Managers list', async () => {
    await page.goto(`${service.url}/settings`);
    const toggle = page.getByRole('switch', { name: /^Pull request comments on GitLab/ });
    await visible(toggle);
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await visible(page.getByText(/Pull request comments are off for/));
    expect(await toggle.isChecked()).toBe(false);
    const view = await callApi<Switchable>(
      page,
      'GET',
      `/api/v1/accounts/${accountId}/connections/${connectionId}`,
    );
    expect(view.body.commentsEnabled).toBe(false);
    await page.reload();
    expect(await page.getByRole('switch', { name: /^Pull request comments on GitLab/ }).isChecked()).toBe(
      false,
    );
    await saveScreenshot(page, 'comment-settings-02-connection');
  });

  it('switches comments off for one repository on Projects', async () => {
    await page.goto(`${service.url}/projects`);
    const row = page.locator(`tr[data-repository-id="${websiteId}"]`);
    const toggle = row.getByRole('switch', { name: 'Pull request comments on acme/website' });
    await visible(toggle);
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await visible(row.getByText('No pull request comments'));
    expect(await toggle.isChecked()).toBe(false);
    await visible(page.getByText('Pull requests of acme/website get no comments now.'));
    const listed = await callApi<{ items: Switchable[] }>(
      page,
      'GET',
      `/api/v1/accounts/${accountId}/repositories?limit=50`,
    );
    expect(listed.body.items.filter((item) => !item.commentsEnabled).map((item) => item.id)).toEqual([
      websiteId,
    ]);
    await saveScreenshot(page, 'comment-settings-03-projects');
  });

  it('the finding page says who triaged by a reply, and on which pull request', async () => {
    await page.goto(`${service.url}/findings/${findingId}`);
    const history = page.getByRole('list', { name: 'History' });
    await visible(history);
    const ignored = history.getByRole('listitem').filter({ hasText: 'by @dev-lee' });
    expect(await ignored.locator('p').first().textContent()).toBe(
      'Ignored · False positive by @dev-lee in a comment on pull request #12',
    );
    const link = ignored.getByRole('link', { name: 'pull request #12' });
    expect(await link.getAttribute('href')).toMatch(/^https?:\/\/.*merge_requests\/12#note_5$/);
    const reopened = history.getByRole('listitem').filter({ hasText: 'by @sam' });
    expect(await reopened.locator('p').first().textContent()).toBe(
      'Reopened by @sam in a comment on pull request #12',
    );
    expect(await reopened.locator('a').count()).toBe(0);
    await saveScreenshot(page, 'comment-settings-04-finding-history');
    expect(errors).toEqual([]);
  });
});
