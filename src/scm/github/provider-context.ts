import { isScmError, ScmError } from '../errors.js';
import type { ScmOrganizationRef } from '../provider.js';
import type { ScmIdentity } from '../test-report.js';
import type { GitHubAppClients, GitHubClient } from './app-clients.js';
import type { GitHubInstallationRef } from './app-credentials.js';
import { callGitHub } from './request-errors.js';
import { idOf, parseGitHub, userSchema } from './schemas.js';

/** What every capability of one GitHub provider shares: one linked installation of one app. */
export interface GitHubContext {
  readonly kind: 'github' | 'github-enterprise';
  readonly clients: GitHubAppClients;
  readonly installation: GitHubInstallationRef;
  readonly now: () => Date;
  /** The web root without a trailing slash (https://github.com, or the Enterprise Server's root). */
  readonly webRoot: string;
  /** The installation's client (its token minted on first use and cached by `clients`). */
  octokit(): GitHubClient;
  /** The app's bot user (`{slug}[bot]`), read once and kept. */
  botIdentity(): Promise<ScmIdentity>;
}

/** The web root of the app's GitHub without a trailing slash (https://github.com, or the Enterprise Server's root). */
export const webRootOf = (clients: GitHubAppClients): string =>
  clients.credentials.webUrl.href.replace(/\/+$/, '');

export function createGitHubContext(options: {
  readonly kind: GitHubContext['kind'];
  readonly clients: GitHubAppClients;
  readonly installation: GitHubInstallationRef;
  readonly now: () => Date;
}): GitHubContext {
  let bot: Promise<ScmIdentity> | undefined;
  const context: GitHubContext = {
    ...options,
    webRoot: webRootOf(options.clients),
    octokit: () => options.clients.installation(options.installation.installationId),
    botIdentity() {
      bot ??= readBotIdentity(context).catch((error: unknown) => {
        bot = undefined;
        throw error;
      });
      return bot;
    },
  };
  return context;
}

/**
 * The user an app's installation writes as: `{slug}[bot]`. GitHub does not put its id in the app's answer; the
 * bot is an ordinary user record, read by login.
 */
async function readBotIdentity(context: GitHubContext): Promise<ScmIdentity> {
  const login = `${context.clients.credentials.slug}[bot]`;
  // GET /users/{username}
  const answer = await onInstallation(context, 'read the app bot user', () =>
    context.octokit().request('GET /users/{username}', { username: login }),
  );
  const user = parseGitHub(userSchema, answer.data, 'bot user');
  return { id: idOf(user.id, 'bot user'), login: user.login, ...(user.name ? { name: user.name } : {}) };
}

/** Where an owner of the account reviews the installation: permissions, repositories, suspension. */
export function installationSettingsUrl(context: GitHubContext): string {
  const { account, installationId } = context.installation;
  return account.type === 'Organization'
    ? `${context.webRoot}/organizations/${account.login}/settings/installations/${installationId}`
    : `${context.webRoot}/settings/installations/${installationId}`;
}

/** The app's public install link (`/apps/…` on github.com, `/github-apps/…` on an Enterprise Server). */
export function appInstallUrl(context: Pick<GitHubContext, 'kind' | 'clients' | 'webRoot'>): string {
  const apps = context.kind === 'github' ? 'apps' : 'github-apps';
  return `${context.webRoot}/${apps}/${context.clients.credentials.slug}/installations/new`;
}

const accountLabel = (context: GitHubContext): string => {
  const { account } = context.installation;
  return `${account.type === 'Organization' ? 'organization' : 'user'} \`${account.login}\``;
};

/** The installation was removed (the app uninstalled): the connection can do nothing until it is installed again. */
export function installationRemoved(context: GitHubContext, status?: number): ScmError {
  const { installationId, account } = context.installation;
  return new ScmError(
    'auth',
    `The GitHub App \`${context.clients.credentials.slug}\` is no longer installed on ${accountLabel(context)} (installation ${installationId}).`,
    {
      code: 'installation_not_found',
      ...(status === undefined ? {} : { status }),
      fix: `Install the app on \`${account.login}\` again at ${appInstallUrl(context)}, then reconnect; or remove this connection.`,
    },
  );
}

/** An owner suspended the installation: GitHub refuses every call made as it. */
export function installationSuspended(context: GitHubContext, status?: number): ScmError {
  const { installationId, account } = context.installation;
  return new ScmError(
    'forbidden',
    `An owner of \`${account.login}\` suspended the GitHub App \`${context.clients.credentials.slug}\` (installation ${installationId}), so scm-connect can neither read nor write there.`,
    {
      code: 'installation_suspended',
      ...(status === undefined ? {} : { status }),
      fix: `Unsuspend the app at ${installationSettingsUrl(context)}.`,
    },
  );
}

/** Refuses an organization other than the installation's account (one installation covers one account). */
export function checkOrganization(context: GitHubContext, org: ScmOrganizationRef): void {
  const { account } = context.installation;
  if (org.externalId === account.id) return;
  const name = org.name.slice(0, 100);
  throw new ScmError('not-found', `This connection covers \`${account.login}\` only, not \`${name}\`.`, {
    code: 'target_not_found',
    fix: `Connect \`${name}\` through its own installation of the app.`,
  });
}

/**
 * Runs a call made as the installation and maps its rejection to ScmError; an uninstalled or suspended
 * installation (found when the token is minted or used) is told with the account and the page to fix it on.
 */
export async function onInstallation<T>(
  context: GitHubContext,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await callGitHub(what, call);
  } catch (error) {
    throw accountError(context, error);
  }
}

/** {@link installationRemoved} / {@link installationSuspended} for the generic codes of the token layer. */
export function accountError(context: GitHubContext, error: unknown): unknown {
  if (!isScmError(error)) return error;
  if (error.code === 'installation_not_found') return installationRemoved(context, error.status);
  if (error.code === 'installation_suspended') return installationSuspended(context, error.status);
  return error;
}

/**
 * Every item of a paginated installation call, fetched page by page as the caller consumes them; the plugin
 * follows GitHub's `link: rel="next"`.
 */
export async function* pagesOf<T>(
  context: GitHubContext,
  what: string,
  pages: AsyncIterable<{ readonly data: readonly T[] }>,
): AsyncGenerator<T> {
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const page = await onInstallation(context, what, () => iterator.next());
    if (page.done) return;
    yield* page.value.data;
  }
}
