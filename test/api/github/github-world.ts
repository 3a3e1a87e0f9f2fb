import { createServer } from 'node:net';
import { neededAppEvents } from '../../../src/scm/github/app-credentials.js';
import { ApiClient, adminPassword, setUpAdmin, type SessionBody } from '../../helpers/api-client.js';
import { startTestService, type TestService } from '../../helpers/service.js';
import { startGitHubTwin, type GitHubTwin } from '../../twins/github/index.js';
import type { GitHubScenario } from '../../twins/github/scenario.js';
import { testGitHubScenario } from '../../twins/github/test-scenario.js';
import { testPrivateKey } from '../../twins/github/test-keys.js';
import { WebClient, type WebPage } from '../../twins/github/web-client.js';
import { loopbackEnv } from '../connections/connections-api.js';

/** The demo scanner app of the twin, as the instance's GitHub App. */
export const scannerApp = {
  id: '3001',
  slug: 'acme-scanner',
  clientId: 'Iv23liAcmeScanner01',
  clientSecret: 'acme-scanner-client-secret',
  webhookSecret: 'acme-scanner-webhook-secret',
} as const;

export interface GitHubWorld {
  readonly twin: GitHubTwin;
  readonly service: TestService;
  readonly publicUrl: string;
  readonly admin: ApiClient;
  readonly session: SessionBody;
  readonly accountId: string;
  close(): Promise<void>;
}

/** A port no one listens on now, for a service whose public URL must be known before it starts. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });

/** The service at a public URL known before it starts (GitHub's pages send people there), its first admin signed in. */
export interface ServiceWorld {
  readonly service: TestService;
  readonly publicUrl: string;
  readonly admin: ApiClient;
  readonly session: SessionBody;
  readonly accountId: string;
}

/**
 * Starts the service on a free port with `env(publicUrl)` (loopback reachable over plain HTTP, as the twins
 * are) and sets up its first admin, admin@acme.test.
 */
export async function startServiceWorld(
  env: (publicUrl: string) => Record<string, string>,
  options: Parameters<typeof startTestService>[1] = {},
): Promise<ServiceWorld> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const service = await startTestService(
    { ...loopbackEnv, SCM_CONNECT_PORT: String(port), SCM_CONNECT_PUBLIC_URL: publicUrl, ...env(publicUrl) },
    { workerPollMs: 50, ...options },
  );
  const { client, session } = await setUpAdmin(service, { email: 'admin@acme.test' });
  return { service, publicUrl, admin: client, session, accountId: session.currentAccountId! };
}

/**
 * Points the twin's scanner app at the service on `publicUrl` (callback, setup and webhook URLs; every event
 * scm-connect subscribes to, as Create the GitHub App registers it) and answers the service's environment that
 * makes it the instance's GitHub App; `key` is the app's private key.
 */
export function instanceAppEnv(twin: GitHubTwin, key: string, publicUrl: string): Record<string, string> {
  const app = twin.state.appBySlug(scannerApp.slug)!;
  app.callbackUrls = [`${publicUrl}/github/setup`];
  app.setupUrl = `${publicUrl}/github/setup`;
  app.webhookUrl = `${publicUrl}/webhooks/github`;
  app.events = [...neededAppEvents];
  return {
    SCM_CONNECT_GITHUB_API_URL: twin.apiUrl,
    SCM_CONNECT_GITHUB_WEB_URL: twin.webUrl,
    SCM_CONNECT_GITHUB_APP_ID: scannerApp.id,
    SCM_CONNECT_GITHUB_APP_SLUG: scannerApp.slug,
    SCM_CONNECT_GITHUB_APP_PRIVATE_KEY: key,
    SCM_CONNECT_GITHUB_APP_WEBHOOK_SECRET: scannerApp.webhookSecret,
    SCM_CONNECT_GITHUB_APP_CLIENT_ID: scannerApp.clientId,
    SCM_CONNECT_GITHUB_APP_CLIENT_SECRET: scannerApp.clientSecret,
  };
}

/**
 * The GitHub twin (no installation yet, plus `victim-co`, an organization only octo-admin belongs to, with the
 * app installed) and the service with the twin's scanner app configured from the environment; the app's
 * callback and webhook URLs point at the service, and its first admin is signed in. `env` adds to the
 * service's environment (the other twins' cloud URLs, so one service serves every kind).
 */
export async function startGitHubWorld(
  extra: Partial<GitHubScenario> = {},
  env: Readonly<Record<string, string>> = {},
  options: Parameters<typeof startServiceWorld>[1] = {},
): Promise<GitHubWorld> {
  const key = testPrivateKey();
  const base = testGitHubScenario(key);
  const twin = await startGitHubTwin({
    ...base,
    orgs: [
      ...base.orgs,
      {
        login: 'victim-co',
        id: 5003,
        name: 'Victim Co',
        members: [{ login: 'octo-admin', role: 'admin' }],
        repos: [{ name: 'secret-sauce', id: 7201, private: true }],
      },
    ],
    installations: [{ id: 4010, app: 'acme-scanner', account: 'victim-co', repository_selection: 'all' }],
    ...extra,
  });
  const world = await startServiceWorld(
    (publicUrl) => ({ ...instanceAppEnv(twin, key, publicUrl), ...env }),
    options,
  );
  return {
    ...world,
    twin,
    async close() {
      await world.service.close();
      await twin.close();
    },
  };
}

/** A browser of one person: their scm-connect session and flow nonce, and their GitHub session on the twin. */
export class Person {
  readonly github: WebClient;
  nonce: string | undefined;

  constructor(
    readonly world: Pick<GitHubWorld, 'twin'>,
    readonly api: ApiClient,
  ) {
    this.github = new WebClient(world.twin.webUrl);
  }

  /** Connect to GitHub: the install page's address; the nonce cookie is kept as a browser would. */
  async startInstall(accountId: string): Promise<string> {
    const answer = await this.api.post<{ url: string }>(`/api/v1/accounts/${accountId}/github/install`);
    if (answer.status !== 200) throw new Error(`install start: ${answer.status} ${answer.text}`);
    this.keepNonce(answer.headers);
    return answer.body.url;
  }

  keepNonce(headers: Headers): void {
    const cookie = headers.getSetCookie().find((c) => c.startsWith('scm_github_nonce='));
    if (cookie) this.nonce = /^scm_github_nonce=([^;]*)/.exec(cookie)?.[1] || undefined;
  }

  /** Clicks through GitHub's install pages as `login`; resolves with where GitHub sends the browser back. */
  async installOnGitHub(
    url: string,
    who: { login: string; password: string },
    target: string,
    selection: { readonly repositories?: readonly string[] } = {},
  ): Promise<URL> {
    let page: WebPage = await this.github.open(url);
    if (page.url.includes('/login')) page = await this.github.signIn(page, who.login, who.password);
    page = await this.github.submit(page, 'Continue');
    page = await this.github.submit(page, 'Continue', { choose: [target] });
    const button = page.html.includes('Install &amp; Authorize') ? 'Install & Authorize' : 'Request';
    page = await this.github.submit(
      page,
      button,
      selection.repositories
        ? { choose: ['Only select repositories'], check: [...selection.repositories] }
        : { choose: ['All repositories'] },
    );
    if (!this.github.leftTo) throw new Error(`GitHub did not send the browser back:\n${page.html}`);
    return this.github.leftTo;
  }

  /** Follows GitHub's authorize page as `login` (Authorize, or Cancel); resolves with where GitHub sends the browser back. */
  async authorizeOnGitHub(
    url: string,
    who: { login: string; password: string },
    button: 'Authorize' | 'Cancel' = 'Authorize',
  ): Promise<URL> {
    let page: WebPage = await this.github.open(url);
    if (page.url.includes('/login')) page = await this.github.signIn(page, who.login, who.password);
    if (!this.github.leftTo) page = await this.github.submit(page, button);
    if (!this.github.leftTo) throw new Error(`GitHub did not send the browser back:\n${page.html}`);
    return this.github.leftTo;
  }

  /** Opens an address of scm-connect the way the browser would: session and nonce cookies, no redirects followed. */
  async visit(url: URL | string, options: { withNonce?: boolean } = {}): Promise<Response> {
    const cookies = [
      this.api.cookie,
      options.withNonce === false || !this.nonce ? undefined : `scm_github_nonce=${this.nonce}`,
    ]
      .filter((c): c is string => c !== undefined)
      .join('; ');
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), accept: 'text/html' },
    });
    this.keepNonce(response.headers);
    return response;
  }
}

/** Polls `read` until it answers something (at most ~10 s). */
export async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const octoAdmin = { login: 'octo-admin', password: 'admin-pass' };
export const devDana = { login: 'dev-dana', password: 'dana-pass' };
export const opsOmar = { login: 'ops-omar', password: 'omar-pass' };

/** Signs the first admin in again (after linking ended their sessions). */
export async function signInAgain(world: GitHubWorld): Promise<ApiClient> {
  const client = new ApiClient(world.service.url);
  const answer = await client.post('/api/v1/session', { email: 'admin@acme.test', password: adminPassword });
  if (answer.status !== 200) throw new Error(`sign-in: ${answer.status} ${answer.text}`);
  return client;
}
