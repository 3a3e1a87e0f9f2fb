import { z } from 'zod/mini';
import type { Http } from './http.js';

const redirectSchema = z.object({ url: z.string() });
const sharingSchema = z.object({ allowOtherAccounts: z.boolean() });
const requestsSchema = z.object({ items: z.array(z.object({ login: z.string(), createdAt: z.string() })) });

export type GitHubInstallRequest = z.infer<typeof requestsSchema>['items'][number];

/**
 * The calls of Connect to GitHub and of a GitHub Enterprise Server connection's app: each answers the page to send
 * the browser to.
 */
export interface GitHubInstallApi {
  startGitHubInstall(accountId: string): Promise<{ url: string }>;
  confirmGitHubInstallation(
    accountId: string,
    installationId: string,
    setupAction: 'install' | 'update',
  ): Promise<{ url: string }>;
  /** Whether other accounts may link the connection's installation too. */
  setGitHubSharing(accountId: string, connectionId: string, allowOtherAccounts: boolean): Promise<boolean>;
  /** Installations members asked an organization owner to approve, still waiting. */
  listGitHubRequests(accountId: string): Promise<readonly GitHubInstallRequest[]>;
  /**
   * Register app (GitHub Enterprise Server, admins): answers scm-connect's hand-off page, which posts the app's
   * manifest to the instance for the connection's owner organization.
   */
  registerEnterpriseApp(accountId: string, connectionId: string): Promise<{ url: string }>;
  /** Install (GitHub Enterprise Server, admins): answers the app's install page on the instance, with a single-use state. */
  installEnterpriseApp(accountId: string, connectionId: string): Promise<{ url: string }>;
}

const enterprisePath = (accountId: string, connectionId: string, step: 'app' | 'install') =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/connections/${encodeURIComponent(connectionId)}/github-enterprise/${step}`;

export const createGitHubInstallApi = (http: Http): GitHubInstallApi => ({
  startGitHubInstall: (accountId) =>
    http.request(
      'POST',
      `/api/v1/accounts/${encodeURIComponent(accountId)}/github/install`,
      redirectSchema,
      {},
    ),
  confirmGitHubInstallation: (accountId, installationId, setupAction) =>
    http.request('POST', `/api/v1/accounts/${encodeURIComponent(accountId)}/github/confirm`, redirectSchema, {
      installationId,
      setupAction,
    }),
  setGitHubSharing: async (accountId, connectionId, allowOtherAccounts) =>
    (
      await http.request(
        'PUT',
        `/api/v1/accounts/${encodeURIComponent(accountId)}/connections/${encodeURIComponent(connectionId)}/github/sharing`,
        sharingSchema,
        { allowOtherAccounts },
      )
    ).allowOtherAccounts,
  listGitHubRequests: async (accountId) =>
    (
      await http.request(
        'GET',
        `/api/v1/accounts/${encodeURIComponent(accountId)}/github/requests`,
        requestsSchema,
      )
    ).items,
  // POST /api/v1/accounts/{id}/connections/{connectionId}/github-enterprise/app
  registerEnterpriseApp: (accountId, connectionId) =>
    http.request('POST', enterprisePath(accountId, connectionId, 'app'), redirectSchema, {}),
  // POST /api/v1/accounts/{id}/connections/{connectionId}/github-enterprise/install
  installEnterpriseApp: (accountId, connectionId) =>
    http.request('POST', enterprisePath(accountId, connectionId, 'install'), redirectSchema, {}),
});
