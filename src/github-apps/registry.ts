import { createHash } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';
import { credentialsOfRow, findAppRow, findConnectionAppRow, findInstanceAppRow } from '../db/github-apps.js';
import type { AppKey } from '../db/github-installations.js';
import { createGitHubAppClients, type GitHubAppClients } from '../scm/github/app-clients.js';
import type { GitHubAppCredentials } from '../scm/github/app-credentials.js';
import { createScmHttp, type ScmHttpShared } from '../scm/http/index.js';
import type { SecretBox } from '../secrets/index.js';

/** How installations and stored rows name an app: its web root without a trailing slash, and its numeric id. */
export const appKeyOf = (app: Pick<GitHubAppCredentials, 'webUrl' | 'appId'>): AppKey => ({
  webUrl: webRootOf(app.webUrl),
  appId: app.appId,
});

export const webRootOf = (url: URL): string => url.href.replace(/\/+$/, '');

/**
 * The GitHub Apps this process talks as, and one set of clients per app kept for the life of the process, so
 * installation tokens are minted once an hour per installation rather than once a call. Created with the
 * service context; closed with it.
 */
export interface GitHubApps {
  /**
   * The instance's app on github.com: from `SCM_CONNECT_GITHUB_APP_*` when set, else the one an instance admin
   * registered through the manifest flow; undefined while there is none.
   */
  instanceApp(): Promise<GitHubAppCredentials | undefined>;
  /** The credentials of the app `key` names: the instance's app, or a stored (GitHub Enterprise Server) app. */
  appOf(key: AppKey): Promise<GitHubAppCredentials | undefined>;
  /** The app registered for a GitHub Enterprise Server connection of `accountId`, with the connection's CA. */
  connectionApp(accountId: string, connectionId: string): Promise<GitHubAppCredentials | undefined>;
  /**
   * The clients of `credentials`, calling out with the address policy of `accountId` (the account that owns a
   * GitHub Enterprise Server app; none for the instance's app). Changed credentials get new clients.
   */
  clients(credentials: GitHubAppCredentials, accountId?: string): GitHubAppClients;
  close(): Promise<void>;
}

export interface GitHubAppsDeps {
  readonly config: Config;
  readonly db: Db;
  readonly secrets: SecretBox;
  readonly scmShared: ScmHttpShared;
  readonly now?: () => Date;
}

export function createGitHubApps(deps: GitHubAppsDeps): GitHubApps {
  const { config } = deps;
  const contentLimits = config.githubContentLimits;
  const now = deps.now ?? (() => new Date());
  const cloudWeb = webRootOf(config.cloudUrls.githubWeb);
  const fromEnv: GitHubAppCredentials | undefined = config.githubApp && {
    webUrl: config.cloudUrls.githubWeb,
    apiUrl: config.cloudUrls.githubApi,
    appId: config.githubApp.appId,
    slug: config.githubApp.slug,
    clientId: config.githubApp.clientId,
    clientSecret: config.githubApp.clientSecret,
    privateKey: config.githubApp.privateKey,
    webhookSecret: config.githubApp.webhookSecret,
  };
  const made = new Map<string, { readonly fingerprint: string; readonly clients: GitHubAppClients }>();

  const instanceApp = async (): Promise<GitHubAppCredentials | undefined> => {
    if (fromEnv) return fromEnv;
    const row = await findInstanceAppRow(deps.db, cloudWeb);
    return row ? credentialsOfRow(row, deps.secrets) : undefined;
  };

  return {
    instanceApp,
    async appOf(key) {
      if (key.webUrl === cloudWeb) {
        const app = await instanceApp();
        return app?.appId === key.appId ? app : undefined;
      }
      const row = await findAppRow(deps.db, key.webUrl, key.appId);
      return row ? credentialsOfRow(row, deps.secrets, row.ca_pem) : undefined;
    },
    async connectionApp(accountId, connectionId) {
      const row = await findConnectionAppRow(deps.db, accountId, connectionId);
      return row ? credentialsOfRow(row, deps.secrets, row.ca_pem) : undefined;
    },
    clients(credentials, accountId) {
      const id = `${webRootOf(credentials.webUrl)}|${credentials.appId}|${accountId ?? ''}`;
      const fingerprint = createHash('sha256')
        .update(
          [
            credentials.apiUrl.href,
            credentials.privateKey,
            credentials.clientSecret,
            credentials.caPem ?? '',
          ].join('\0'),
        )
        .digest('hex');
      const known = made.get(id);
      if (known?.fingerprint === fingerprint) return known.clients;
      if (known) void known.clients.close();
      const clients = createGitHubAppClients({
        credentials,
        now,
        contentLimits,
        createHttp: (options) =>
          createScmHttp({
            ...options,
            // Entries of the allowlist scoped to an account open nothing for the instance's app.
            policy: { allowlist: config.allowedHosts, accountId: accountId ?? '' },
            shared: deps.scmShared,
            allowHttp: config.allowHttp,
          }),
      });
      made.set(id, { fingerprint, clients });
      return clients;
    },
    async close() {
      const all = [...made.values()];
      made.clear();
      await Promise.allSettled(all.map((entry) => entry.clients.close()));
    },
  };
}
