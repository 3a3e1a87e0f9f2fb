import type { ValidatedConnection } from '../connection-settings.js';
import { readApp } from './app-info.js';
import { inspectInstallation } from './installation-status.js';
import type { GitHubContext } from './provider-context.js';

/**
 * Checks a linked installation before (or after) it is stored: the app's key is accepted (`auth` /
 * `invalid_credentials` or `invalid_private_key`), the installation is still there (`auth` /
 * `installation_not_found`), not suspended (`forbidden` / `installation_suspended`) and on the expected account,
 * and a token can be minted for it (the bot identity is read with one). Missing permissions do not refuse the
 * connection (listing needs only `metadata`, which every installation has): the report names them.
 */
export async function validateGitHub(context: GitHubContext): Promise<ValidatedConnection> {
  const app = await readApp(context.clients.app());
  const found = await inspectInstallation(context);
  if (!found.ok) throw found.error;
  const identity = await context.botIdentity();
  const { account } = found.details;
  return {
    identity,
    organization: {
      externalId: account.id,
      name: account.login,
      webUrl: `${context.webRoot}/${account.login}`,
    },
    ...(context.kind === 'github-enterprise' && app.serverVersion !== undefined
      ? { serverVersion: app.serverVersion }
      : {}),
  };
}
