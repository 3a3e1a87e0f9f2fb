import { AppError } from '../../core/errors.js';
import { mintFlowState, type FlowOwner } from '../../github-apps/flow-states.js';
import type { GitHubAppCredentials } from '../../scm/github/app-credentials.js';
import type { GitHubInstallDeps } from './install-deps.js';

/** Where GitHub sends the person back: the setup URL and the OAuth callback URL of the app are both this path. */
export const setupPath = '/github/setup';

/** The cookie holding the nonce of the flow in progress, sent back only to {@link setupPath}. */
export const installNonceCookie = 'scm_github_nonce';

export interface FlowRedirect {
  readonly url: string;
  /** The nonce cookie to set with the redirect. */
  readonly nonce: string;
}

export async function requireApp(deps: GitHubInstallDeps): Promise<GitHubAppCredentials> {
  const app = await deps.app();
  if (!app) {
    throw new AppError(
      409,
      'github_app_missing',
      'This instance has no GitHub App yet: an instance admin creates it under Settings > Source Code Managers.',
    );
  }
  return app;
}

/** Connect to GitHub: the app's install page, with a single-use `state` bound to this session and account. */
export async function startInstall(deps: GitHubInstallDeps, owner: FlowOwner): Promise<FlowRedirect> {
  const app = await requireApp(deps);
  const minted = await mintFlowState(deps.db, owner, 'install', undefined, deps.now());
  const url = new URL(`apps/${encodeURIComponent(app.slug)}/installations/new`, withSlash(app.webUrl));
  url.searchParams.set('state', minted.state);
  return { url: url.href, nonce: minted.nonce };
}

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
  const app = await requireApp(deps);
  const minted = await mintFlowState(deps.db, owner, 'authorize', details, deps.now());
  const url = new URL('login/oauth/authorize', withSlash(app.webUrl));
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', minted.state);
  return { url: url.href, nonce: minted.nonce };
}

/** What an `authorize` state remembers: the installation the person is to be checked against. */
export interface AuthorizeDetails {
  readonly installationId: string;
  readonly setupAction: 'install' | 'update';
}

export function authorizeDetailsOf(value: unknown): AuthorizeDetails | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { installationId, setupAction } = value as Record<string, unknown>;
  if (typeof installationId !== 'string') return undefined;
  if (setupAction !== 'install' && setupAction !== 'update') return undefined;
  return { installationId, setupAction };
}

const withSlash = (url: URL) => (url.href.endsWith('/') ? url.href : `${url.href}/`);
