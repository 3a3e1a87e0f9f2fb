import type { TwinResponse } from '../server/twin-server.js';
import { htmlPage } from '../server/web-page.js';

export { esc, formOf, hidden, redirect } from '../server/web-page.js';

/** A complete, plain HTML page of the GitHub twin. `body` must already be escaped. */
export const page = (
  title: string,
  body: string,
  status = 200,
  headers: Record<string, string | string[]> = {},
): TwinResponse => htmlPage('GitHub twin', title, body, status, headers);
