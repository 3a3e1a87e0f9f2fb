import type { GitHubClient } from './app-clients.js';
import { callGitHub } from './request-errors.js';
import { appSchema, hookConfigSchema, idOf, parseGitHub } from './schemas.js';

/** What `GET /app` tells about the app the JWT signs for, and the Enterprise Server version it came from. */
export interface GitHubAppInfo {
  readonly id: string;
  readonly slug: string | undefined;
  readonly owner: { readonly login: string; readonly type: string } | undefined;
  /** The permissions the app requests of its installations. */
  readonly permissions: Readonly<Record<string, string | undefined>> | undefined;
  readonly events: readonly string[] | undefined;
  /** `x-github-enterprise-version`; absent on github.com. */
  readonly serverVersion: string | undefined;
}

/**
 * The app, read with its JWT: proves the app id and private key (GitHub answers 401 to a JWT it cannot verify,
 * which rejects with `auth` / `invalid_credentials`).
 */
export async function readApp(app: GitHubClient): Promise<GitHubAppInfo> {
  // GET /app
  const answer = await callGitHub('authenticate as the GitHub App', () => app.request('GET /app'));
  const data = parseGitHub(appSchema, answer.data, 'app');
  const version = answer.headers['x-github-enterprise-version'];
  return {
    id: idOf(data.id, 'app'),
    slug: data.slug,
    owner: data.owner ? { login: data.owner.login, type: data.owner.type } : undefined,
    permissions: data.permissions,
    events: data.events,
    serverVersion: typeof version === 'string' && version !== '' ? version : undefined,
  };
}

/** The app's one webhook as its JWT may read it (`GET /app/hook/config`); the secret is never read. */
export interface GitHubHookConfig {
  readonly url: string | undefined;
  readonly contentType: string | undefined;
  /** `insecure_ssl` is `1`: GitHub delivers without checking the receiver's certificate. */
  readonly insecureSsl: boolean;
}

export async function readHookConfig(app: GitHubClient): Promise<GitHubHookConfig> {
  // GET /app/hook/config
  const answer = await callGitHub("read the app's webhook configuration", () =>
    app.request('GET /app/hook/config'),
  );
  const data = parseGitHub(hookConfigSchema, answer.data, 'webhook configuration');
  return {
    url: data.url === undefined || data.url === '' ? undefined : data.url,
    contentType: data.content_type,
    insecureSsl: String(data.insecure_ssl ?? '0') === '1',
  };
}
