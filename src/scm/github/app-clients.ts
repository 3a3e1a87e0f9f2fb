import { createHash } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { CreateScmHttp } from '../connection-settings.js';
import { ScmError } from '../errors.js';
import type { ScmHttp } from '../http/index.js';
import { integerIdPattern, type GitHubAppCredentials } from './app-credentials.js';
import { createAppJwtSigner } from './app-jwt.js';
import { exchangeOAuthCode } from './oauth-code.js';
import { guardedHook, tokenStrategy, type AuthHook } from './auth-strategies.js';
import { createInstallationTokens } from './installation-tokens.js';
import { createContentPacer, createsContent, writeSpacingFor, type ContentLimits } from './content-pacer.js';
import { defaultRateLimitPolicy, throttleOptions, type GitHubRateLimitPolicy } from './throttle-options.js';

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
   * `invalid_code` when GitHub refuses it (used, expired, or minted for another app). `codeVerifier`: the PKCE
   * verifier when the authorize redirect sent a `code_challenge`.
   */
  exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<string>;
  close(): Promise<void>;
}

export interface GitHubAppClientOptions {
  readonly credentials: GitHubAppCredentials;
  readonly createHttp: CreateScmHttp;
  readonly now: () => Date;
  /** How rate limits are waited out; defaults in `throttle-options.ts`. */
  readonly rateLimits?: Partial<GitHubRateLimitPolicy>;
  /**
   * GitHub's content-creation limits each installation is paced to (default 80 a minute, 500 an hour); comments,
   * reviews, pull requests, and the CI job's branches, files and Actions secrets count.
   */
  readonly contentLimits?: ContentLimits;
}

const GitHubOctokit = Octokit.plugin(paginateRest, retry, throttling);

/** Errors surface as ScmError to the caller; Octokit's own log lines would only repeat them. */
const quietLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function createGitHubAppClients(options: GitHubAppClientOptions): GitHubAppClients {
  const { credentials, now } = options;
  const made: ScmHttp[] = [];
  const http = (baseUrl: URL): ScmHttp => {
    const client = options.createHttp({
      baseUrl,
      // The budget is per installation, app or user, not per host: one exhausted budget must not pause others.
      hostPause: false,
      ...(credentials.caPem === undefined ? {} : { caPem: credentials.caPem }),
    });
    made.push(client);
    return client;
  };
  const api = http(credentials.apiUrl);
  let web: ScmHttp | undefined;
  const spacing = options.contentLimits ? writeSpacingFor(options.contentLimits) : undefined;
  // Writes are spaced as the content limits' windows are scaled, unless the caller spaces them itself.
  const rateLimits: Partial<GitHubRateLimitPolicy> | undefined =
    spacing === undefined ? options.rateLimits : { writeSpacingMs: spacing, ...options.rateLimits };
  const budget = `${credentials.apiUrl.host}${credentials.apiUrl.pathname}|app:${credentials.appId}`;

  const octokit = (
    id: string,
    auth: { authStrategy: (options: unknown) => unknown; auth?: unknown },
    contentPaced = false,
  ) => {
    const client = new GitHubOctokit({
      baseUrl: credentials.apiUrl.href.replace(/\/+$/, ''),
      userAgent: 'scm-connect',
      log: quietLog,
      request: { fetch: api.fetch },
      retry: { retries: 2 },
      throttle: throttleOptions(id, rateLimits, contentPaced),
      ...auth,
    }) as GitHubClient;
    // A POST whose answer was lost may have been carried out: sent again, it would post a comment twice. It fails
    // instead, and the caller's job, run again, finds what was made. (Token requests and GraphQL are safe.)
    client.hook.before('request', (requestOptions) => {
      const { pathname } = new URL(requestOptions.url, 'http://github.test');
      if (requestOptions.method !== 'POST' || /\/access_tokens$|\/graphql$/.test(pathname)) return;
      requestOptions.request = { ...requestOptions.request, retries: 0 };
    });
    return client;
  };

  const createJwt = createAppJwtSigner(credentials.appId, credentials.privateKey, now);
  const appClient = octokit(budget, {
    authStrategy: (strategyOptions) => {
      const auth = createAppAuth({
        ...(strategyOptions as object),
        appId: credentials.appId,
        createJwt,
      });
      return Object.assign(auth, { hook: guardedHook(auth.hook as AuthHook) });
    },
  });
  const tokens = createInstallationTokens(appClient, now);
  const installations = new Map<string, GitHubClient>();

  return {
    credentials,
    app: () => appClient,
    installation(installationId) {
      if (!integerIdPattern.test(installationId)) {
        throw new ScmError('invalid', 'The GitHub installation id is not a positive integer.', {
          code: 'invalid_installation_id',
        });
      }
      let client = installations.get(installationId);
      if (!client) {
        // Content creation (comments, reviews, pull requests, CI files, secrets) is paced to GitHub's secondary
        // limits, per installation: the pacer wraps the whole request (retries included) from outside.
        const pacer = createContentPacer({
          ...(options.contentLimits ? { limits: options.contentLimits } : {}),
          maxWaitMs: options.rateLimits?.maxWaitMs ?? defaultRateLimitPolicy.maxWaitMs,
          now: () => now().getTime(),
        });
        const paced = octokit(
          `${budget}|installation:${installationId}`,
          {
            authStrategy: tokenStrategy({
              token: () => tokens.token(installationId),
              refused: (token) => tokens.forget(installationId, token),
            }),
          },
          true,
        );
        paced.hook.wrap('request', (request, requestOptions) =>
          createsContent(requestOptions.method, requestOptions.url)
            ? pacer.pace(async () => request(requestOptions))
            : request(requestOptions),
        );
        client = paced;
        installations.set(installationId, client);
      }
      return client;
    },
    user(token) {
      const key = createHash('sha256').update(token).digest('hex').slice(0, 16);
      return octokit(`${budget}|user:${key}`, { authStrategy: tokenStrategy({ token: async () => token }) });
    },
    exchangeCode(code, redirectUri, codeVerifier) {
      web ??= http(credentials.webUrl);
      return exchangeOAuthCode(web, credentials, code, redirectUri, codeVerifier);
    },
    async close() {
      await Promise.allSettled(made.splice(0).map((client) => client.close()));
      installations.clear();
    },
  };
}
