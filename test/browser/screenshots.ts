import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where the browser tests leave a picture of each page (ignored by git, kept as a CI artifact). */
export const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/**
 * Saves a screenshot as `<name>.png`: the full page, or with `window` only what the window shows (a dialog or
 * menu over the page, which a full-page capture would draw out of place).
 */
export const saveScreenshot = async (
  page: Page,
  name: string,
  { window = false }: { readonly window?: boolean } = {},
): Promise<string> => {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: !window });
  return file;
};
