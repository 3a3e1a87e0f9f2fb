import { ScmError } from '../errors.js';
import type { ScmOrganizationRef, ScmRepositoryRef } from '../provider.js';
import type { GitHubAppClients } from './app-clients.js';
import type { GitHubInstallationProvider } from './index.js';
import { appInstallUrl, webRootOf, type GitHubContext } from './provider-context.js';
import { ownerAndRepo } from './schemas.js';

/*
 * Which installation of an Enterprise Server connection a call goes to: an organization by its account id, a
 * repository by its owner's login. Each installation covers its own account only.
 */

/** One linked installation of the connection's app: its context (kept for the report) and its provider. */
export interface LinkedInstallation {
  readonly context: GitHubContext;
  readonly provider: GitHubInstallationProvider;
}

/** The app's public install link on the instance (`{web}/github-apps/{slug}/installations/new`). */
export const enterpriseInstallUrl = (clients: GitHubAppClients): string =>
  appInstallUrl({ kind: 'github-enterprise', clients, webRoot: webRootOf(clients) });

/** The connection's app is registered on the instance, and no organization has installed it yet. */
export function appNotInstalled(clients: GitHubAppClients): ScmError {
  const { slug, webUrl } = clients.credentials;
  return new ScmError(
    'not-found',
    `The GitHub App \`${slug}\` is registered on ${webUrl.host} but not installed on any organization yet.`,
    {
      code: 'app_not_installed',
      fix: `Install it on the owner organization at ${enterpriseInstallUrl(clients)}; other organizations of the instance install it from the same link.`,
    },
  );
}

const notInstalledOn = (clients: GitHubAppClients, account: string, what: string): ScmError =>
  new ScmError('not-found', `${what}: this connection's GitHub App is not installed on \`${account}\`.`, {
    code: 'target_not_found',
    fix: `Install the app on \`${account}\` at ${enterpriseInstallUrl(clients)}, so that the organization joins this connection.`,
  });

/** The installation on `org` (by its account id); `not-found` / `target_not_found` for an organization of none. */
export function installationForOrganization(
  clients: GitHubAppClients,
  linked: readonly LinkedInstallation[],
  org: ScmOrganizationRef,
): LinkedInstallation {
  const found = linked.find(({ context }) => context.installation.account.id === org.externalId);
  if (found) return found;
  const name = org.name.slice(0, 100);
  throw notInstalledOn(clients, name, `\`${name}\` is not part of this connection`);
}

/**
 * The installation on the repository's owner (`owner/repo`, the login compared case-insensitively, as GitHub
 * does); `not-found` / `target_not_found` when no installation is on that account.
 */
export function installationForRepository(
  clients: GitHubAppClients,
  linked: readonly LinkedInstallation[],
  repository: Pick<ScmRepositoryRef, 'fullName'>,
): LinkedInstallation {
  const { owner } = ownerAndRepo(repository.fullName);
  const login = owner.toLowerCase();
  const found = linked.find(({ context }) => context.installation.account.login.toLowerCase() === login);
  if (found) return found;
  const name = owner.slice(0, 100);
  throw notInstalledOn(clients, name, `scm-connect cannot reach \`${repository.fullName.slice(0, 200)}\``);
}
