import type { Octokit } from '@octokit/core';
import type { CreateScmHttp } from '../connection-settings.js';
import type { GitHubAppCredentials } from './app-credentials.js';

/** An Octokit with the REST pagination plugin (retry and throttling are bound in as well). */
export type GitHubClient = Octokit & { paginate: import('@octokit/plugin-paginate-rest').PaginateInterface };

/**
 * The clients of one GitHub App, created once per process and app and kept while the process runs: installation
 * tokens are minted on demand and cached (in memory only) until shortly before they expire, and each installation
 * has its own client, so its rate-limit budget is its own.
 */
export interface GitHubAppClients {
  readonly credentials: GitHubAppCredentials;
  /** Authenticated as the app (a JWT signed with its private key). */
  app(): GitHubClient;
  /** Authenticated as one installation; the same client for the same id. */
  installation(installationId: string): GitHubClient;
  /** Authenticated as a person, with a user access token from {@link exchangeCode}. */
  user(token: string): GitHubClient;
  /**
   * Exchanges the `code` of a web-flow redirect for a user access token. Rejects with `ScmError` code
   * `invalid_code` when GitHub refuses it (used, expired, or minted for another app).
   */
  exchangeCode(code: string, redirectUri: string): Promise<string>;
  close(): Promise<void>;
}

export interface GitHubAppClientOptions {
  readonly credentials: GitHubAppCredentials;
  readonly createHttp: CreateScmHttp;
  readonly now: () => Date;
}

export declare function createGitHubAppClients(options: GitHubAppClientOptions): GitHubAppClients;
