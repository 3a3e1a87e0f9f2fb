import { AppError } from '../../core/errors.js';
import { mintFlowState, type FlowOwner } from '../../github-apps/flow-states.js';
import type { EnterpriseConnectionRef, FlowApp, GitHubInstallDeps } from './install-deps.js';

/** The cookie holding the nonce of the flow in progress, sent back only to the setup paths. */
export const installNonceCookie = 'scm_github_nonce';

export interface FlowRedirect {
  readonly url: string;
  /** The nonce cookie to set with the redirect. */
  readonly nonce: string;
}

/**
 * The app of a flow: the instance's, or the app of the GitHub Enterprise Server connection `connection`. A
 * connection that is not an app's (or of another account) is refused as missing, like one that has none yet.
 */
export async function requireApp(
  deps: GitHubInstallDeps,
  connection?: EnterpriseConnectionRef,
): Promise<FlowApp> {
  const app = await deps.app(connection);
  if (!app) {
    throw new AppError(
      409,
      'github_app_missing',
      connection
        ? 'This GitHub Enterprise Server connection has no GitHub App yet: register it with Register app first.'
        : 'This instance has no GitHub App yet: an instance admin creates it under Settings > Source Code Managers.',
    );
  }
  return app;
}

/** What an `install` state remembers: the GitHub Enterprise Server connection whose app is installed, if any. */
export interface InstallDetails {
  readonly connectionId?: string;
}

export function installDetailsOf(value: unknown): InstallDetails | undefined {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') return undefined;
  const { connectionId } = value as Record<string, unknown>;
  if (connectionId === undefined) return {};
  return typeof connectionId === 'string' ? { connectionId } : undefined;
}

/**
 * Connect to GitHub (or Install for a GitHub Enterprise Server connection): the app's install page, with a
 * single-use `state` bound to this session and account.
 */
export async function startInstall(
  deps: GitHubInstallDeps,
  owner: FlowOwner,
  connectionId?: string,
): Promise<FlowRedirect> {
  const connection = connectionId ? { accountId: owner.accountId, connectionId } : undefined;
  const app = await requireApp(deps, connection);
  const details: InstallDetails = connectionId ? { connectionId } : {};
  const minted = await mintFlowState(deps.db, owner, 'install', details, deps.now());
  const url = new URL(appInstallPath(app), withSlash(app.credentials.webUrl));
  url.searchParams.set('state', minted.state);
  return { url: url.href, nonce: minted.nonce };
}

/** `apps/{slug}/installations/new` on github.com, `github-apps/{slug}/installations/new` on an Enterprise Server. */
export const appInstallPath = (app: FlowApp): string =>
  `${app.kind === 'github' ? 'apps' : 'github-apps'}/${encodeURIComponent(app.credentials.slug)}/installations/new`;

/**
 * GitHub's authorize page for the app, to learn who the person is before an installation is linked: used when
 * the setup URL was reached without a `code` (typed, replayed, or a direct install from GitHub).
 */
export async function startAuthorize(
  deps: GitHubInstallDeps,
  owner: FlowOwner,
  details: AuthorizeDetails,
  redirectUri: string,
): Promise<FlowRedirect> {
  const connection = details.connectionId
    ? { accountId: owner.accountId, connectionId: details.connectionId }
    : undefined;
  const app = await requireApp(deps, connection);
  const minted = await mintFlowState(deps.db, owner, 'authorize', details, deps.now());
  const url = new URL('login/oauth/authorize', withSlash(app.credentials.webUrl));
  url.searchParams.set('client_id', app.credentials.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', minted.state);
  return { url: url.href, nonce: minted.nonce };
}

/** What an `authorize` state remembers: the installation the person is to be checked against. */
export interface AuthorizeDetails {
  readonly installationId: string;
  readonly setupAction: 'install' | 'update';
  /** The GitHub Enterprise Server connection whose app it is; absent for the instance's app. */
  readonly connectionId?: string;
}

export function authorizeDetailsOf(value: unknown): AuthorizeDetails | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { installationId, setupAction, connectionId } = value as Record<string, unknown>;
  if (typeof installationId !== 'string') return undefined;
  if (setupAction !== 'install' && setupAction !== 'update') return undefined;
  if (connectionId !== undefined && typeof connectionId !== 'string') return undefined;
  return { installationId, setupAction, ...(connectionId ? { connectionId } : {}) };
}

const withSlash = (url: URL) => (url.href.endsWith('/') ? url.href : `${url.href}/`);
