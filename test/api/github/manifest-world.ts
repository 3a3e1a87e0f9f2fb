import { Writable } from 'node:stream';
import { createLogger } from '../../../src/core/log.js';
import { ApiClient, type SessionBody } from '../../helpers/api-client.js';
import type { TestService } from '../../helpers/service.js';
import { startGitHubTwin, type GitHubTwin } from '../../twins/github/index.js';
import { testGitHubScenario } from '../../twins/github/test-scenario.js';
import { testPrivateKey } from '../../twins/github/test-keys.js';
import { WebClient, type WebPage } from '../../twins/github/web-client.js';
import { octoAdmin, startServiceWorld } from './github-world.js';

export { octoAdmin };

/**
 * The GitHub twin as github.com and the service without a GitHub App, its first admin (an instance admin)
 * signed in; every log line of the service is kept.
 */
export interface ManifestWorld {
  readonly twin: GitHubTwin;
  readonly service: TestService;
  readonly publicUrl: string;
  readonly admin: ApiClient;
  readonly session: SessionBody;
  readonly accountId: string;
  /** The service's log lines, as written. */
  readonly logLines: string[];
  close(): Promise<void>;
}

/** `env` replaces defaults: e.g. `SCM_CONNECT_ALLOWED_HOSTS: ''` leaves the loopback twin unreachable. */
export async function startManifestWorld(env: Record<string, string> = {}): Promise<ManifestWorld> {
  const twin = await startGitHubTwin(testGitHubScenario(testPrivateKey()));
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const world = await startServiceWorld(
    () => ({ SCM_CONNECT_GITHUB_API_URL: twin.apiUrl, SCM_CONNECT_GITHUB_WEB_URL: twin.webUrl, ...env }),
    { logger: createLogger({ level: 'trace', destination: sink }) },
  );
  return {
    ...world,
    twin,
    logLines,
    async close() {
      await world.service.close();
      await twin.close();
    },
  };
}

/** The hand-off page as served, with its form read out. */
export interface HandOff {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
  readonly action: string;
  readonly manifest: string;
}

const decode = (s: string) =>
  s.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');

/**
 * One person's browser: their scm-connect session and manifest nonce cookie, and their session on the twin's
 * web pages.
 */
export class ManifestBrowser {
  readonly github: WebClient;
  nonce: string | undefined;

  constructor(
    readonly world: ManifestWorld,
    readonly api: ApiClient,
  ) {
    this.github = new WebClient(world.twin.webUrl);
  }

  /**
   * Create the GitHub App (or, with `path`, Register app of a GitHub Enterprise Server connection): the hand-off
   * page's address; the nonce cookie is kept as a browser would.
   */
  async start(body: Record<string, string> = {}, path = '/api/v1/github-app/manifest'): Promise<string> {
    const answer = await this.api.post<{ url: string }>(path, body);
    if (answer.status !== 200) throw new Error(`manifest start: ${answer.status} ${answer.text}`);
    this.keepNonce(answer.headers);
    return answer.body.url;
  }

  keepNonce(headers: Headers): void {
    const cookie = headers.getSetCookie().find((c) => c.startsWith('scm_github_manifest_nonce='));
    if (cookie) this.nonce = /^scm_github_manifest_nonce=([^;]*)/.exec(cookie)?.[1] || undefined;
  }

  /** Opens an address of scm-connect as the browser would: cookies sent, no redirect followed. */
  async visit(url: URL | string, options: { withNonce?: boolean } = {}): Promise<Response> {
    const cookies = [
      this.api.cookie,
      options.withNonce === false || !this.nonce ? undefined : `scm_github_manifest_nonce=${this.nonce}`,
    ]
      .filter((c): c is string => c !== undefined)
      .join('; ');
    const response = await fetch(new URL(url, this.world.service.url), {
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), accept: 'text/html' },
    });
    this.keepNonce(response.headers);
    return response;
  }

  /**
   * GitHub's redirect arriving with this browser's cookies (or another session's), asking for JSON so a refusal
   * reads as `{code, message}`.
   */
  arrive(url: URL, options: { session?: ApiClient; withNonce?: boolean } = {}): Promise<Response> {
    const session = options.session ?? this.api;
    const nonce = options.withNonce === false ? undefined : this.nonce;
    const cookie = [session.cookie, nonce ? `scm_github_manifest_nonce=${nonce}` : undefined]
      .filter((c): c is string => c !== undefined)
      .join('; ');
    return fetch(url, { redirect: 'manual', headers: { cookie, accept: 'application/json' } });
  }

  async handOff(url: string): Promise<HandOff> {
    const response = await this.visit(url);
    const html = await response.text();
    const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
    const manifest = /<input type="hidden" name="manifest" value="([^"]*)">/.exec(html)?.[1];
    return {
      status: response.status,
      headers: response.headers,
      html,
      action: action ? decode(action) : '',
      manifest: manifest ? decode(manifest) : '',
    };
  }

  /**
   * Posts the hand-off page's form to the twin, signs in as `who`, names the app and clicks Create GitHub App;
   * resolves with where GitHub sends the browser back (`redirect_url?code=…&state=…`).
   */
  async registerOnGitHub(handOff: HandOff, name?: string, who = octoAdmin): Promise<URL> {
    let page: WebPage = await this.github.open(handOff.action, {
      method: 'POST',
      form: new URLSearchParams({ manifest: handOff.manifest }),
    });
    if (page.url.includes('/login')) page = await this.github.signIn(page, who.login, who.password);
    page = await this.github.submit(
      page,
      'Create GitHub App',
      name ? { fill: { 'GitHub App name': name } } : {},
    );
    if (!this.github.leftTo) throw new Error(`GitHub did not send the browser back:\n${page.html}`);
    return this.github.leftTo;
  }

  /** Start → hand-off page → GitHub: the callback address with a fresh code and this flow's state. */
  async throughGitHub(name?: string, body: Record<string, string> = {}): Promise<URL> {
    const handOff = await this.handOff(await this.start(body));
    if (handOff.status !== 200) throw new Error(`hand-off: ${handOff.status} ${handOff.html}`);
    return this.registerOnGitHub(handOff, name);
  }
}

/** Signs a person in again: a second session of the same user, in another browser. */
export async function signIn(world: ManifestWorld, email: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(world.service.url);
  const answer = await client.post('/api/v1/session', { email, password });
  if (answer.status !== 200) throw new Error(`sign-in: ${answer.status} ${answer.text}`);
  return client;
}
