import { AppError } from '../../core/errors.js';
import type { ServiceContext } from '../../context.js';
import { installationOfConnection } from '../../db/github-installations.js';
import type { ConnectableProvider } from '../../scm/connection-settings.js';
import { createGitHubProvider } from '../../scm/github/index.js';

type Ctx = Pick<ServiceContext, 'db' | 'githubApps'>;

/** The kinds whose connections are GitHub App installations rather than stored tokens. */
export const isAppKind = (kind: string): kind is 'github' | 'github-enterprise' =>
  kind === 'github' || kind === 'github-enterprise';

/**
 * Runs `use` with the provider of a GitHub App connection: the installation it links, talked to as the app
 * that owns it. The app's clients (and their installation tokens) outlive the call; nothing is closed here.
 */
export async function withInstallationProvider<T>(
  ctx: Ctx,
  row: { readonly account_id: string; readonly id: string; readonly kind: string },
  use: (provider: ConnectableProvider) => Promise<T>,
): Promise<T> {
  const kind = row.kind;
  if (!isAppKind(kind)) throw new Error(`${kind} connections are not GitHub App installations`);
  const link = await installationOfConnection(ctx.db, row.account_id, row.id);
  if (!link) {
    throw new AppError(
      409,
      'not_connected',
      'This connection has no GitHub App installation yet: finish installing the app, or remove the connection.',
    );
  }
  const credentials = await ctx.githubApps.appOf({ webUrl: link.web_url, appId: link.app_id });
  if (!credentials) {
    throw new AppError(
      409,
      'github_app_missing',
      'The GitHub App this connection was installed through is no longer configured on this instance: set it up again (same app id), or remove the connection.',
    );
  }
  const provider = createGitHubProvider({
    kind,
    clients: ctx.githubApps.clients(credentials, kind === 'github-enterprise' ? row.account_id : undefined),
    installation: {
      installationId: link.installation_id,
      account: { id: link.target_id, login: link.target_login, type: link.target_type },
    },
    now: () => new Date(),
  });
  return use(provider);
}
