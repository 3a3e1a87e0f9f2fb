import { AppError } from '../../core/errors.js';
import type { ServiceContext } from '../../context.js';
import { installationsOfConnection, type GitHubInstallationRow } from '../../db/github-installations.js';
import type { ConnectableProvider } from '../../scm/connection-settings.js';
import type { GitHubInstallationRef } from '../../scm/github/app-credentials.js';
import { createGitHubEnterpriseProvider } from '../../scm/github/enterprise.js';
import { createGitHubProvider } from '../../scm/github/index.js';

type Ctx = Pick<ServiceContext, 'db' | 'githubApps'>;

/** The kinds whose connections are GitHub App installations rather than stored tokens. */
export const isAppKind = (kind: string): kind is 'github' | 'github-enterprise' =>
  kind === 'github' || kind === 'github-enterprise';

const refOf = (link: GitHubInstallationRow): GitHubInstallationRef => ({
  installationId: link.installation_id,
  account: { id: link.target_id, login: link.target_login, type: link.target_type },
});

const appMissing = (message: string) => new AppError(409, 'github_app_missing', message);

/**
 * Runs `use` with the provider of a GitHub App connection, talked to as the app that owns its installations: a
 * GitHub connection's installation of the instance's app (the newest, when GitHub removed an earlier one), or
 * every installation of a GitHub Enterprise Server connection's own app. The app's clients (and their
 * installation tokens) outlive the call; nothing is closed here.
 */
export async function withInstallationProvider<T>(
  ctx: Ctx,
  row: { readonly account_id: string; readonly id: string; readonly kind: string },
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  const links = await installationsOfConnection(ctx.db, row.account_id, row.id);
  const now = () => new Date();
  if (row.kind === 'github-enterprise') {
    const credentials = await ctx.githubApps.connectionApp(row.account_id, row.id);
    if (!credentials) {
      throw appMissing('This GitHub Enterprise Server connection has no GitHub App yet: click Register app.');
    }
    const installations = links.filter((link) => link.removed_at === null).map(refOf);
    const clients = ctx.githubApps.clients(credentials, row.account_id);
    return use(createGitHubEnterpriseProvider({ clients, installations, now }));
  }
  if (row.kind !== 'github') throw new Error(`${row.kind} connections are not GitHub App installations`);
  const link = links.filter((candidate) => candidate.removed_at === null).at(-1) ?? links.at(-1);
  if (!link) {
    throw new AppError(
      409,
      'not_connected',
      'This connection has no GitHub App installation yet: finish installing the app, or remove the connection.',
    );
  }
  const credentials = await ctx.githubApps.appOf({ webUrl: link.web_url, appId: link.app_id });
  if (!credentials) {
    throw appMissing(
      'The GitHub App this connection was installed through is no longer configured on this instance: set it up again (same app id), or remove the connection.',
    );
  }
  const clients = ctx.githubApps.clients(credentials);
  return use(createGitHubProvider({ kind: 'github', clients, installation: refOf(link), now }));
}
