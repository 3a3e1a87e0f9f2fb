import { z } from 'zod/mini';
import type { Http } from './http.js';

const redirectSchema = z.object({ url: z.string() });
const sharingSchema = z.object({ allowOtherAccounts: z.boolean() });
const requestsSchema = z.object({ items: z.array(z.object({ login: z.string(), createdAt: z.string() })) });

export type GitHubInstallRequest = z.infer<typeof requestsSchema>['items'][number];

/** The calls of Connect to GitHub: each answers the GitHub page to send the browser to. */
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
}

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
});
