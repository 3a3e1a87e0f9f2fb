/*
 * The addresses of scm-connect that GitHub is given when an app is registered: where it sends people back and
 * where it delivers the app's webhooks.
 */

/** The instance's app: its setup URL (after install and update) and OAuth callback. */
export const setupPath = '/github/setup';

/**
 * A GitHub Enterprise Server connection's app: setup URL and OAuth callback of its own, so that GitHub's redirect
 * names the app (and the connection) it comes from. Under {@link setupPath}, so the flow's nonce cookie reaches it.
 */
export const enterpriseSetupPath = (connectionId: string): string => `${setupPath}/${connectionId}`;

/** Where GitHub sends the person back with the manifest's one-time `code` (the manifest's `redirect_url`). */
export const manifestCallbackPath = '/github/manifest';

/** scm-connect's own page that posts the manifest form to GitHub (the app's CSP keeps other pages' forms home). */
export const manifestHandOffPath = '/github/manifest/start';

/** Where the instance's app on github.com sends its webhooks (the receiver routes them by installation). */
export const instanceWebhookPath = '/webhooks/github';
