import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's package. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or `null` when they can. Only a developer machine without
 * Chromium skips; in CI (`CI` set) a missing Chromium is a failure, so the tests run and fail at launch.
 */
export const browserSkipReason = (): string | null => {
  if (existsSync(chromiumPath()) || process.env.CI) return null;
  return `browser tests skipped: no Chromium at ${chromiumPath()} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
};

/** Starts headless Chromium with the flags that keep it off the network and quiet on a CI machine. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
