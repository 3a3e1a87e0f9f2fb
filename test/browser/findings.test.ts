import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { TestService } from '../helpers/service.js';
import { browserSkipReason } from './chromium.js';
import { startConnectedPage, type ConnectedPage } from './connected-page.js';
import { FindingsSeed, sha } from './findings-seed.js';
import { callApi, defaultAdmin, visible } from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

/** A message an attacker-controlled scanner could send: it must stay text. */
const hostileMessage = 'Cross-site scripting: <img src=x onerror=alert(1)> reaches the page';

describe.skipIf(skipReason !== null)('the Findings pages', () => {
  let world: ConnectedPage;
  let service: TestService;
  let page: Page;
  let errors: string[];
  let accountId: string;
  let seed: FindingsSeed;
  const repositories: Record<'website' | 'api', string> = { website: '', api: '' };
  const scans = { main: '', pullRequest: '', queued: '' };
  const findings = { sql: '', xss: '', evalCall: '', outside: '', fixed: '', apiInfo: '' };

  const table = () => page.getByRole('table', { name: 'Findings' });
  const rowOf = (findingId: string): Locator => page.locator(`tr[data-finding-id="${findingId}"]`);
  /** The finding ids the table shows, in order. */
  const shownIds = () =>
    table()
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-finding-id')));
  const waitForCount = async (count: number) =>
    visible(page.getByText(count === 1 ? '1 finding' : `${count} findings`, { exact: true }));
  const openFindings = async (search = '') => {
    await page.goto(`${service.url}/findings${search}`);
    await visible(page.getByRole('heading', { name: 'Findings', level: 1 }));
  };

  beforeAll(async () => {
    world = await startConnectedPage();
    ({ service, page, errors, accountId } = world);
    const { connectionId } = world;
    repositories.website = world.repositoryIds.get('acme/website')!;
    repositories.api = world.repositoryIds.get('acme/backend/api')!;

    // The default-branch links need the repository's default branch, whatever the twin's listing says of it.
    await service.database.db
      .updateTable('repositories')
      .set({ default_branch: 'main' })
      .where('id', '=', repositories.website)
      .execute();

    seed = new FindingsSeed(service.database.db, accountId, connectionId);
    await seed.rule({
      tool: 'CodeQL',
      ruleId: 'js/sql-injection',
      name: 'Database query built from user-controlled sources',
      shortDescription: 'Building a SQL query from user input lets an attacker change it.',
      helpMarkdown: [
        '# SQL injection',
        'Use **query parameters** instead of `string concatenation`.',
        '',
        '- See [OWASP](https://owasp.org/www-community/attacks/SQL_Injection)',
        '- Not a link: [click](javascript:alert(1))',
        '<script>alert(1)</script>',
      ].join('\n'),
      helpUri: 'https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/',
      securitySeverity: '9.8',
      tags: ['security', 'external/cwe/cwe-089'],
    });
    const summary = { results: 5, open: 4, new: 4, reopened: 0, fixed: 1, removed: 0, newInPullRequest: 0 };
    const older = await seed.scan({ repositoryId: repositories.website, commitSha: sha(1), hoursAgo: 48 });
    scans.pullRequest = await seed.scan({
      repositoryId: repositories.website,
      commitSha: sha(3),
      branch: null,
      pullRequestNumber: 7,
      baseCommitSha: sha(1),
      hoursAgo: 3,
      resultCount: 2,
      summary: { results: 2, open: 2, new: 1, newInPullRequest: 1, bySeverity: { critical: 1, high: 1 } },
    });
    scans.main = await seed.scan({
      repositoryId: repositories.website,
      commitSha: sha(2),
      hoursAgo: 2,
      resultCount: 5,
      summary: { ...summary, bySeverity: { critical: 1, high: 1, medium: 1, low: 1, info: 0 } },
    });
    const apiScan = await seed.scan({ repositoryId: repositories.api, commitSha: sha(4), hoursAgo: 3 });

    findings.sql = await seed.finding({
      repositoryId: repositories.website,
      ruleId: 'js/sql-injection',
      severity: 'critical',
      message: 'This query depends on a user-provided value.\nSecond line of the message.',
      location: { path: 'src/db.js', startLine: 12, endLine: 14 },
      codeFlow: [
        { message: 'req.query.id', location: { path: 'src/routes.js', startLine: 5 } },
        { message: 'passed to findUser', location: { path: 'src/service.js', startLine: 20 } },
        { message: 'reaches the query', location: { path: 'src/db.js', startLine: 12 } },
      ],
      related: [{ message: 'the user input', location: { path: 'src/routes.js', startLine: 5 } }],
      scans: [{ id: older }, { id: scans.pullRequest }, { id: scans.main }],
    });
    findings.xss = await seed.finding({
      repositoryId: repositories.website,
      ruleId: 'js/xss',
      severity: 'high',
      message: hostileMessage,
      location: { path: 'src/view.js', startLine: 40 },
      scans: [{ id: scans.pullRequest, newInPullRequest: true }, { id: scans.main }],
    });
    findings.evalCall = await seed.finding({
      repositoryId: repositories.website,
      tool: 'ESLint',
      ruleId: 'no-eval',
      severity: 'medium',
      message: 'eval can be harmful.',
      location: { path: 'lib/eval.js', startLine: 3 },
      scans: [{ id: scans.main }],
    });
    findings.outside = await seed.finding({
      repositoryId: repositories.website,
      ruleId: 'js/path-injection',
      severity: 'low',
      message: 'A path outside the checkout.',
      location: { path: null, unlinkedReason: 'The file /etc/passwd is outside the repository.' },
      scans: [{ id: scans.main }],
    });
    findings.fixed = await seed.finding({
      repositoryId: repositories.website,
      ruleId: 'js/weak-crypto',
      severity: 'medium',
      state: 'fixed',
      message: 'Weak hash function md5.',
      location: { path: 'src/hash.js', startLine: 9 },
      scans: [{ id: older }, { id: scans.main }],
    });
    findings.apiInfo = await seed.finding({
      repositoryId: repositories.api,
      tool: 'Semgrep',
      ruleId: 'generic.todo',
      severity: 'info',
      message: 'A TODO left in the code.',
      location: { path: 'app/main.py', startLine: 1 },
      scans: [{ id: apiScan }],
    });
  }, 120_000);

  afterAll(() => world?.close());

  it('lists the open findings from the navigation, each linking to the code at the scanned commit', async () => {
    await page.goto(`${service.url}/projects`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Findings', exact: true })
      .click();
    await page.waitForURL((url) => url.pathname === '/findings');
    await waitForCount(5);
    for (const column of ['Severity', 'Rule', 'Finding', 'Repository', 'Location', 'State', 'Last seen']) {
      await visible(table().getByRole('columnheader', { name: column, exact: true }));
    }
    expect(new Set(await shownIds())).toEqual(
      new Set([findings.sql, findings.xss, findings.evalCall, findings.outside, findings.apiInfo]),
    );

    const sql = rowOf(findings.sql);
    expect(await sql.locator('td[data-label="Severity"]').textContent()).toBe('Critical');
    expect(await sql.locator('td[data-label="Finding"] a').textContent()).toBe(
      'This query depends on a user-provided value.',
    );
    expect(await sql.locator('td[data-label="Finding"]').textContent()).toContain(
      'Database query built from user-controlled sources',
    );
    const atCommit = sql.getByRole('link', { name: 'src/db.js:12-14 at the scanned commit' });
    const href = (await atCommit.getAttribute('href'))!;
    expect(href).toMatch(/^https?:\/\//);
    expect(href).toContain(sha(2));
    expect(href).toContain('src/db.js');
    const onDefault = await sql
      .getByRole('link', { name: 'src/db.js:12-14 on the default branch' })
      .getAttribute('href');
    expect(onDefault).toMatch(/^https?:\/\/.*src\/db\.js/);
    expect(onDefault).not.toContain(sha(2));

    // Markup from a scanner is text: the message shows its characters, no image or script appears.
    expect(await rowOf(findings.xss).locator('td[data-label="Finding"] a').textContent()).toBe(
      hostileMessage,
    );
    expect(await table().locator('img').count()).toBe(0);
    // A location outside the repository says why it has no link.
    await visible(rowOf(findings.outside).getByText(/outside the repository/));
    expect(await rowOf(findings.outside).locator('td[data-label="Location"] a').count()).toBe(0);

    // The export links carry the filters.
    const csv = await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href');
    expect(csv).toBe(`/api/v1/accounts/${accountId}/findings/export?state=open&format=csv`);
    await saveScreenshot(page, 'findings-01-list');
  });

  it('filters by severity, state and text, keeping the filters in the address', async () => {
    await openFindings();
    await waitForCount(5);
    await page.getByRole('checkbox', { name: 'Critical' }).check();
    await page.waitForURL((url) => url.searchParams.getAll('severity').join() === 'critical');
    await waitForCount(1);
    expect(await shownIds()).toEqual([findings.sql]);
    await page.getByRole('checkbox', { name: 'High' }).check();
    await waitForCount(2);
    expect(new Set(await shownIds())).toEqual(new Set([findings.sql, findings.xss]));
    expect(new URL(page.url()).search).toBe('?severity=critical&severity=high');
    const sarif = await page.getByRole('link', { name: 'Export as SARIF' }).getAttribute('href');
    expect(sarif).toBe(
      `/api/v1/accounts/${accountId}/findings/export?severity=critical&severity=high&state=open&format=sarif`,
    );

    await openFindings('?state=fixed');
    await waitForCount(1);
    expect(await page.getByLabel('State', { exact: true }).inputValue()).toBe('fixed');
    expect(await shownIds()).toEqual([findings.fixed]);
    expect(await rowOf(findings.fixed).locator('td[data-label="State"]').textContent()).toContain('Fixed');

    await page.getByLabel('State', { exact: true }).selectOption('any');
    await waitForCount(6);
    await page.getByLabel('Search', { exact: true }).fill('eval');
    await page.waitForURL((url) => url.searchParams.get('q') === 'eval');
    await waitForCount(1);
    expect(await shownIds()).toEqual([findings.evalCall]);
    await page.reload();
    await waitForCount(1);
    expect(await page.getByLabel('Search', { exact: true }).inputValue()).toBe('eval');

    await page.getByLabel('Search', { exact: true }).fill('nothing matches this');
    await visible(page.getByText('No finding matches these filters'));
    await page.getByRole('link', { name: 'clear them' }).click();
    await waitForCount(5);
    expect(new URL(page.url()).search).toBe('');
  });

  it("shows a finding's rule, code flow with each step linked, related locations and history", async () => {
    await openFindings();
    await rowOf(findings.sql)
      .getByRole('link', { name: 'This query depends on a user-provided value.' })
      .click();
    await page.waitForURL((url) => url.pathname === `/findings/${findings.sql}`);
    await visible(page.getByRole('heading', { name: 'This query depends on a user-provided value.' }));
    await visible(page.getByText('Second line of the message.', { exact: false }));

    const rule = page.getByRole('region', { name: 'Rule' });
    await visible(rule.getByText('Database query built from user-controlled sources'));
    await visible(rule.getByText('query parameters', { exact: true }));
    expect(await rule.getByRole('link', { name: 'OWASP' }).getAttribute('href')).toBe(
      'https://owasp.org/www-community/attacks/SQL_Injection',
    );
    // A javascript: link and an HTML tag in the help stay text.
    await visible(rule.getByText('click', { exact: true }));
    expect(await rule.getByRole('link', { name: 'click' }).count()).toBe(0);
    await visible(rule.getByText('<script>alert(1)</script>'));

    const flow = page.getByRole('region', { name: 'Code flow' });
    const steps = flow.getByRole('list', { name: 'Steps' }).getByRole('listitem');
    expect(await steps.count()).toBe(3);
    for (const [index, where] of ['src/routes.js:5', 'src/service.js:20', 'src/db.js:12'].entries()) {
      const link = steps.nth(index).getByRole('link', { name: `${where} at the scanned commit` });
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(/^https?:\/\//);
      expect(href).toContain(sha(2));
      expect(href).toContain(where.split(':')[0]);
    }
    await visible(
      page
        .getByRole('region', { name: 'Related locations' })
        .getByRole('link', { name: 'src/routes.js:5 at the scanned commit' }),
    );

    const history = page.getByRole('region', { name: 'History' });
    await visible(history.getByText('First seen', { exact: true }));
    const scanRows = page.getByRole('table', { name: 'Scans that reported it' }).locator('tbody tr');
    expect(await scanRows.count()).toBe(3);
    await visible(page.getByRole('table', { name: 'Scans that reported it' }).getByText('Pull request #7'));
    await saveScreenshot(page, 'findings-02-finding');
  });

  it('ignores a finding with a reason, which moves it to the ignored ones and into its history; Reopen brings it back', async () => {
    await page.goto(`${service.url}/findings/${findings.xss}`);
    await visible(page.getByRole('heading', { name: hostileMessage }));
    await page.getByRole('button', { name: 'Ignore…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ignore this finding' });
    await dialog.getByRole('radio', { name: /^Acceptable risk/ }).check();
    await dialog.getByLabel('Note (optional)').fill('Only admins reach this page.');
    await saveScreenshot(page, 'findings-03-ignore-dialog', { window: true });
    await dialog.getByRole('button', { name: 'Ignore finding' }).click();
    await visible(page.getByText('Ignored as acceptable risk.'));
    await visible(page.getByRole('button', { name: 'Reopen' }));
    // The focus stays on the triage button, which now offers the other action.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Reopen');
    const history = page.getByRole('region', { name: 'History' });
    await visible(history.getByText(`Ignored · Acceptable risk by ${defaultAdmin.name}`, { exact: false }));
    await visible(history.getByText('Only admins reach this page.'));

    await openFindings();
    await waitForCount(4);
    expect(await shownIds()).not.toContain(findings.xss);
    await page.getByLabel('State', { exact: true }).selectOption('ignored');
    await waitForCount(1);
    expect(await shownIds()).toEqual([findings.xss]);
    expect(await rowOf(findings.xss).locator('td[data-label="State"]').textContent()).toBe(
      'IgnoredAcceptable risk',
    );

    await rowOf(findings.xss).getByRole('link', { name: hostileMessage }).click();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await visible(page.getByText('Reopened.', { exact: true }));
    await visible(page.getByRole('button', { name: 'Ignore…' }));
    await visible(history.getByText('Reopened by hand', { exact: false }));
    await openFindings();
    await waitForCount(5);
    expect(await shownIds()).toContain(findings.xss);
  });

  it('shows the scan the CLI links to, live while it is processed, and the findings new in its pull request', async () => {
    await openFindings(`?scan=${scans.pullRequest}`);
    const panel = page.getByRole('region', { name: /^Scan of acme\/website at / });
    await visible(panel.getByText('Processed', { exact: true }));
    await visible(panel.getByText('#7'));
    await waitForCount(2);
    await panel.getByRole('checkbox', { name: 'Only findings new in this pull request' }).check();
    await page.waitForURL((url) => url.searchParams.get('new') === 'true');
    await waitForCount(1);
    expect(await shownIds()).toEqual([findings.xss]);
    await saveScreenshot(page, 'findings-04-pull-request-scan');

    scans.queued = await seed.scan({
      repositoryId: repositories.website,
      commitSha: sha(5),
      status: 'queued',
      hoursAgo: 0,
      resultCount: 3,
    });
    await openFindings(`?scan=${scans.queued}`);
    await visible(page.getByText('Queued', { exact: true }));
    await visible(
      page.getByText('The scan is being processed. This page updates on its own when it is done.'),
    );
    await visible(page.getByText('Waiting for the scan'));
    await saveScreenshot(page, 'findings-05-scan-queued');
    await seed.finishScan(scans.queued, { results: 3, open: 0, new: 0, fixed: 0 });
    // No reload: the page polls the scan and shows the outcome.
    await visible(page.getByText('Processed', { exact: true }));
    await visible(page.getByText('This scan reported no findings'));
  });

  it('shows the last scan and open findings per repository on Projects; an admin tags and excludes', async () => {
    await page.goto(`${service.url}/projects`);
    const website = page.locator(`tr[data-repository-id="${repositories.website}"]`);
    await visible(website);
    await visible(website.locator('td[data-label="Last scan"]').getByText(sha(5).slice(0, 7)));
    const counts = website.getByRole('list', { name: 'Open findings of acme/website' });
    await visible(counts.getByRole('link', { name: /^1 critical open/ }));
    await visible(counts.getByRole('link', { name: /^1 high open/ }));
    await visible(counts.getByRole('link', { name: /^1 medium open/ }));
    await visible(counts.getByRole('link', { name: /^1 low open/ }));
    await saveScreenshot(page, 'findings-06-projects');

    await counts.getByRole('link', { name: /^1 critical open/ }).click();
    await page.waitForURL((url) => url.pathname === '/findings');
    expect(new URL(page.url()).search).toBe(`?repository=${repositories.website}&severity=critical`);
    await waitForCount(1);
    expect(await shownIds()).toEqual([findings.sql]);
    expect(await page.getByLabel('Repository', { exact: true }).inputValue()).toBe(repositories.website);

    await page.goto(`${service.url}/projects`);
    await website.getByRole('button', { name: 'Edit tags of acme/website' }).click();
    const dialog = page.getByRole('dialog', { name: 'Tags of acme/website' });
    await dialog.getByLabel('Tags').fill('PCI, team:web bad@tag');
    await dialog.getByRole('button', { name: 'Save tags' }).click();
    await visible(dialog.getByText('"bad@tag" may use only letters, digits and - _ . : /', { exact: false }));
    await dialog.getByLabel('Tags').fill('PCI, team:web');
    await dialog.getByRole('button', { name: 'Save tags' }).click();
    await visible(page.getByText('Tags of acme/website: pci, team:web.'));
    const chips = website.getByRole('list', { name: 'Tags of acme/website' });
    expect(await chips.getByRole('listitem').allTextContents()).toEqual(['pci', 'team:web']);

    await chips.getByRole('link', { name: 'Show repositories tagged pci' }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === 'pci');
    await visible(page.getByText('1 repository', { exact: true }));
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('pci');

    await openFindings('?tag=pci');
    await waitForCount(4);
    expect(await shownIds()).not.toContain(findings.apiInfo);
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('pci');

    await page.goto(`${service.url}/projects`);
    await website.getByRole('button', { name: 'Exclude acme/website from scanning' }).click();
    await page
      .getByRole('dialog', { name: 'Exclude from scanning' })
      .getByRole('button', { name: 'Exclude repository' })
      .click();
    await visible(website.getByText('Excluded from scanning', { exact: true }));
    await page.getByLabel('Scanning', { exact: true }).selectOption('excluded');
    await visible(page.getByText('1 repository', { exact: true }));
    await saveScreenshot(page, 'findings-07-projects-excluded');
    await website.getByRole('button', { name: 'Include acme/website in scanning' }).click();
    await visible(website.getByRole('button', { name: 'Exclude acme/website from scanning' }));
    const stored = await callApi<{ items: { excluded: boolean; tags: string[] }[] }>(
      page,
      'GET',
      `/api/v1/accounts/${accountId}/repositories?tag=pci`,
    );
    expect(stored.body.items).toEqual([
      expect.objectContaining({ excluded: false, tags: ['pci', 'team:web'] }),
    ]);
  });

  it('offers the scan upload role for API tokens', async () => {
    await page.goto(`${service.url}/settings/tokens`);
    await page.getByLabel('Token name').fill('CI upload');
    await page.getByLabel('Role').selectOption({ label: 'Scan upload (CI: can only upload scans)' });
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'API token created' });
    await visible(dialog.getByText('(scan upload)', { exact: false }));
    await dialog.getByRole('button', { name: 'Done' }).click();
    await visible(
      page.getByRole('table', { name: 'API tokens' }).getByRole('cell', { name: 'Scan upload', exact: true }),
    );
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
