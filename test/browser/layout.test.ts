import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findScmKind } from '../../src/core/scm-kinds.js';
import { startTestService } from '../helpers/service.js';
import { demoGitLabScenario, startGitLabTwin, type GitLabTwin } from '../twins/gitlab/index.js';
import { browserSkipReason, launchChromium } from './chromium.js';
import { FindingsSeed, sha } from './findings-seed.js';
import {
  callApi,
  currentAccountId,
  defaultAdmin,
  scrollsSideways,
  setUpThroughPage,
  visible,
  watchErrors,
} from './page-helpers.js';
import { saveScreenshot } from './screenshots.js';
import { ensureWebBuild } from './web-build.js';

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 800 };
const gitlab = findScmKind('gitlab')!;

/** The contrast ratio of two `rgb(…)` colours, as WCAG defines it. */
const contrast = (a: string, b: string): number => {
  const luminance = (color: string) => {
    const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
};

/** The focused element's outline, and the background of the nearest ancestor that paints one. */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    let node: HTMLElement | null = element.parentElement;
    let background = 'rgb(255, 255, 255)';
    while (node) {
      const color = getComputedStyle(node).backgroundColor;
      if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') {
        background = color;
        break;
      }
      node = node.parentElement;
    }
    return {
      text: element.textContent?.trim() ?? '',
      style: style.outlineStyle,
      width: Number.parseFloat(style.outlineWidth),
      color: style.outlineColor,
      background,
    };
  });

describe.skipIf(skipReason !== null)('the layout at 390 px and at 1280 px', () => {
  let twin: GitLabTwin;
  let service: Awaited<ReturnType<typeof startTestService>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const menuButton = () => page.getByRole('button', { name: 'Menu', exact: true });
  const nav = () => page.getByRole('navigation', { name: 'Main' });

  /** Fails, naming the elements that stick out on the right, when the page can be scrolled sideways. */
  const expectNoSidewaysScroll = async (where: string) => {
    if (!(await scrollsSideways(page))) return;
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .slice(0, 8)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
    );
    expect.fail(`${where}: the page scrolls sideways; wider than the window: ${wide.join(', ')}`);
  };

  beforeAll(async () => {
    [twin] = await Promise.all([startGitLabTwin(demoGitLabScenario()), ensureWebBuild()]);
    [service, browser] = await Promise.all([
      startTestService({
        SCM_CONNECT_ALLOWED_HOSTS: '127.0.0.1',
        SCM_CONNECT_ALLOW_HTTP: 'true',
        SCM_CONNECT_GITLAB_URL: twin.url,
      }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: desktop });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await twin?.close();
  });

  it('signs in at both widths without sideways scrolling', async () => {
    for (const viewport of [phone, desktop]) {
      const other = await browser.newContext({ viewport });
      const signIn = await other.newPage();
      const signInErrors = watchErrors(signIn);
      await signIn.goto(`${service.url}/login`);
      await visible(signIn.getByRole('heading', { name: 'Set up scm-connect' }));
      expect(await scrollsSideways(signIn)).toBe(false);
      await other.close();
      expect(signInErrors).toEqual([]);
    }
    await setUpThroughPage(page, service.setupUrl!);
    const accountId = await currentAccountId(page);
    const connected = await callApi(page, 'POST', `/api/v1/accounts/${accountId}/connections`, {
      kind: 'gitlab',
      group: 'acme',
      token: 'glpat-demo-alice-api',
    });
    expect(connected.status).toBe(201);
    const token = await callApi(page, 'POST', `/api/v1/accounts/${accountId}/tokens`, {
      name: 'CI upload for the monorepo pipeline',
      role: 'member',
    });
    expect(token.status).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    for (const viewport of [phone, desktop]) {
      await page.setViewportSize(viewport);
      await visible(page.getByRole('heading', { name: 'Sign in' }));
      await expectNoSidewaysScroll(`sign-in ${viewport.width}`);
      await saveScreenshot(page, `layout-${viewport.width}-01-sign-in`);
    }
    await page.getByLabel('Email').fill(defaultAdmin.email);
    await page.getByLabel('Password').fill(defaultAdmin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/projects');
  });

  it('offers "Skip to content" as the first stop of Tab, and it moves the focus to the page', async () => {
    await page.goto(`${service.url}/settings`);
    await visible(page.getByRole('heading', { name: 'Connected source code managers' }));
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('MAIN');
    expect(new URL(page.url()).hash).toBe('');
  });

  it('draws a focus ring that stands out on the dark sidebar and on the page', async () => {
    await page.goto(`${service.url}/projects`);
    await visible(nav());
    // Tab past the skip link and the account menu to the first navigation link.
    for (let stop = 0; stop < 3; stop++) await page.keyboard.press('Tab');
    const onSidebar = await focusRing(page);
    expect(onSidebar.text).toBe('Projects');
    expect(onSidebar.style).toBe('solid');
    expect(onSidebar.width).toBeGreaterThanOrEqual(2);
    expect(contrast(onSidebar.color, onSidebar.background)).toBeGreaterThanOrEqual(3);

    await page.goto(`${service.url}/settings`);
    await page.getByRole('tab', { name: 'Source Code Managers' }).focus();
    await page.keyboard.press('ArrowRight');
    const onPage = await focusRing(page);
    expect(onPage.text).toBe('Members');
    expect(onPage.style).toBe('solid');
    expect(contrast(onPage.color, onPage.background)).toBeGreaterThanOrEqual(3);
  });

  it('folds the sidebar behind a Menu button at 390 px, and shows it beside the page at 1280 px', async () => {
    await page.setViewportSize(phone);
    await page.goto(`${service.url}/projects`);
    await visible(menuButton());
    expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
    expect(await nav().isVisible()).toBe(false);
    await saveScreenshot(page, 'layout-390-02-menu-closed');

    await menuButton().click();
    expect(await menuButton().getAttribute('aria-expanded')).toBe('true');
    const controlled = await menuButton().getAttribute('aria-controls');
    expect(await page.locator(`[id="${controlled}"]`).isVisible()).toBe(true);
    await visible(nav().getByRole('link', { name: 'Settings' }));
    await visible(page.getByRole('button', { name: /^Account / }));
    await expectNoSidewaysScroll('menu open 390');
    await saveScreenshot(page, 'layout-390-03-menu-open', { window: true });

    await nav().getByRole('link', { name: 'Settings' }).click();
    await page.waitForURL((url) => url.pathname === '/settings');
    expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
    expect(await nav().isVisible()).toBe(false);

    await menuButton().click();
    await visible(nav());
    await page.keyboard.press('Escape');
    expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
    expect(await nav().isVisible()).toBe(false);
    expect(await menuButton().evaluate((element) => element === document.activeElement)).toBe(true);

    await page.setViewportSize(desktop);
    expect(await menuButton().isVisible()).toBe(false);
    await visible(nav().getByRole('link', { name: 'Projects' }));
  });

  /** What the Findings pages show: a scan of a pull request with long paths and messages, seeded after the sync. */
  const seeded = { scanId: '', findingId: '' };

  const pages: readonly { name: string; path: () => string; ready: (page: Page) => Promise<void> }[] = [
    {
      name: 'settings-scm',
      path: () => '/settings',
      ready: async (current) => {
        const row = current
          .getByRole('list', { name: 'Connections' })
          .getByRole('listitem', { name: `${gitlab.name}: acme` });
        await visible(row);
        if ((await current.getByRole('region', { name: /^Test report: / }).count()) === 0) {
          await row.getByRole('button', { name: 'Test connection' }).click();
        }
        await visible(current.getByRole('region', { name: `Test report: ${gitlab.name}: acme` }));
      },
    },
    {
      name: 'projects',
      path: () => '/projects',
      ready: async (current) => {
        await visible(
          current.getByRole('table', { name: 'Repositories' }).getByText('website', { exact: true }),
        );
      },
    },
    {
      name: 'members',
      path: () => '/settings/members',
      ready: async (current) => {
        await visible(current.getByRole('cell', { name: defaultAdmin.email, exact: true }));
      },
    },
    {
      name: 'api-tokens',
      path: () => '/settings/tokens',
      ready: async (current) => {
        await visible(
          current.getByRole('cell', { name: 'CI upload for the monorepo pipeline', exact: true }),
        );
        await visible(current.getByRole('region', { name: 'Use the API' }));
      },
    },
    {
      name: 'findings',
      path: () => '/findings',
      ready: async (current) => {
        await visible(current.getByRole('table', { name: 'Findings' }).getByRole('link').first());
      },
    },
    {
      name: 'finding',
      path: () => `/findings/${seeded.findingId}`,
      ready: async (current) => {
        await visible(current.getByRole('region', { name: 'Code flow' }).getByRole('link').first());
      },
    },
    {
      name: 'scan',
      path: () => `/findings?scan=${seeded.scanId}`,
      ready: async (current) => {
        await visible(
          current.getByRole('region', { name: /^Scan of / }).getByText('Processed', { exact: true }),
        );
        await visible(current.getByRole('table', { name: 'Findings' }));
      },
    },
  ];

  it('syncs the connection so Projects has repositories', async () => {
    await page.goto(`${service.url}/settings`);
    const row = page.getByRole('listitem', { name: `${gitlab.name}: acme` });
    await row.getByRole('button', { name: 'Sync now' }).click();
    await visible(row.getByText(/^\d+ repositor(y|ies) · Last synced /));
  });

  it('puts findings of a pull request scan in, as processing would', async () => {
    const accountId = await currentAccountId(page);
    const listed = await callApi<{ items: { id: string; connectionId: string; fullName: string }[] }>(
      page,
      'GET',
      `/api/v1/accounts/${accountId}/repositories?q=website`,
    );
    const website = listed.body.items.find((item) => item.fullName === 'acme/website')!;
    const seed = new FindingsSeed(service.database.db, accountId, website.connectionId);
    await seed.rule({
      tool: 'CodeQL',
      ruleId: 'js/path-injection-from-a-very-long-rule-identifier-without-breaks',
      name: 'Uncontrolled data used in path expression',
      shortDescription:
        'Accessing paths influenced by users can allow an attacker to access unexpected resources.',
      helpMarkdown: '## Recommendation\nValidate the path. `path.resolve(root, input).startsWith(root)`',
    });
    seeded.scanId = await seed.scan({
      repositoryId: website.id,
      commitSha: sha(9),
      branch: null,
      pullRequestNumber: 1234,
      baseCommitSha: sha(8),
      resultCount: 2,
      summary: { results: 2, open: 2, new: 2, newInPullRequest: 1, bySeverity: { high: 1, low: 1 } },
    });
    const longPath =
      'packages/server/src/handlers/very/deeply/nested/directory/structure/download-handler.ts';
    seeded.findingId = await seed.finding({
      repositoryId: website.id,
      branch: 'pull-request:1234',
      ruleId: 'js/path-injection-from-a-very-long-rule-identifier-without-breaks',
      severity: 'high',
      message: `This path depends on a user-provided value: ${'a'.repeat(120)}`,
      location: { path: longPath, startLine: 120, endLine: 131 },
      codeFlow: [
        { message: 'req.params.file', location: { path: longPath, startLine: 118 } },
        { message: 'fs.readFile(…)', location: { path: longPath, startLine: 120 } },
      ],
      scans: [{ id: seeded.scanId, newInPullRequest: true }],
    });
    await seed.finding({
      repositoryId: website.id,
      branch: 'pull-request:1234',
      tool: 'ESLint',
      ruleId: 'no-console',
      severity: 'low',
      message: 'Unexpected console statement.',
      location: { path: 'src/index.js', startLine: 3 },
      scans: [{ id: seeded.scanId }],
    });
  });

  for (const viewport of [phone, desktop]) {
    it(`shows the main pages at ${viewport.width} px without sideways scrolling`, async () => {
      await page.setViewportSize(viewport);
      for (const [index, item] of pages.entries()) {
        await page.goto(`${service.url}${item.path()}`);
        await item.ready(page);
        await expectNoSidewaysScroll(`${item.name} ${viewport.width}`);
        await saveScreenshot(
          page,
          `layout-${viewport.width}-${String(index + 4).padStart(2, '0')}-${item.name}`,
        );
      }
    });
  }

  it('keeps every row of the test report inside the window at 390 px', async () => {
    await page.setViewportSize(phone);
    await page.goto(`${service.url}/settings`);
    await pages[0]!.ready(page);
    const report = page.getByRole('region', { name: `Test report: ${gitlab.name}: acme` });
    const boxes = await report
      .getByRole('list', { name: 'Checks' })
      .getByRole('listitem')
      .evaluateAll((items) => items.map((item) => item.getBoundingClientRect().right));
    expect(boxes.length).toBeGreaterThanOrEqual(7);
    for (const right of boxes) expect(right).toBeLessThanOrEqual(phone.width);
    const hide = report.getByRole('button', { name: 'Hide report' });
    expect((await hide.boundingBox())!.x + (await hide.boundingBox())!.width).toBeLessThanOrEqual(
      phone.width,
    );
  });

  it('fits a Connect dialog with every refused field, and the account menu, into 390 px', async () => {
    await page.setViewportSize(phone);
    await page.goto(`${service.url}/settings`);
    await page.getByRole('button', { name: findScmKind('gitlab-self-managed')!.addLabel }).click();
    const dialog = page.getByRole('dialog', { name: findScmKind('gitlab-self-managed')!.dialogTitle });
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    expect(await dialog.locator('[aria-invalid="true"]').count()).toBe(3);
    await expectNoSidewaysScroll('connect dialog 390');
    const box = (await dialog.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(phone.width);
    await saveScreenshot(page, 'layout-390-11-connect-dialog', { window: true });
    await page.keyboard.press('Escape');

    await menuButton().click();
    await page.getByRole('button', { name: /^Account / }).click();
    const menu = page.getByRole('menu', { name: 'Accounts' });
    await visible(menu);
    const menuBox = (await menu.boundingBox())!;
    expect(menuBox.x + menuBox.width).toBeLessThanOrEqual(phone.width);
    await expectNoSidewaysScroll('account menu 390');
    await saveScreenshot(page, 'layout-390-12-account-menu', { window: true });
    // Escape closes the account menu first, then the sidebar.
    await page.keyboard.press('Escape');
    expect(await menu.count()).toBe(0);
    expect(await menuButton().getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await menuButton().getAttribute('aria-expanded')).toBe('false');
  });

  it('logged no page errors', () => {
    expect(errors).toEqual([]);
  });
});
