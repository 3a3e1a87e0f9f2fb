import { z } from 'zod/mini';
import type { Http } from './http.js';

const redirectSchema = z.object({ url: z.string() });

/** The calls of Connect to GitHub: each answers the GitHub page to send the browser to. */
export interface GitHubInstallApi {
  startGitHubInstall(accountId: string): Promise<{ url: string }>;
  confirmGitHubInstallation(
    accountId: string,
    installationId: string,
    setupAction: 'install' | 'update',
  ): Promise<{ url: string }>;
}

export const createGitHubInstallApi = (http: Http): GitHubInstallApi => ({
  startGitHubInstall: (accountId) =>
    http.request('POST', `/accounts/${encodeURIComponent(accountId)}/github/install`, redirectSchema, {}),
  confirmGitHubInstallation: (accountId, installationId, setupAction) =>
    http.request('POST', `/accounts/${encodeURIComponent(accountId)}/github/confirm`, redirectSchema, {
      installationId,
      setupAction,
    }),
});
