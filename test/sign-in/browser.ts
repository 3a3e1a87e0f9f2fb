import { ApiClient, type SessionBody } from '../helpers/api-client.js';
import { FormClient, type WebPage } from '../twins/server/web-client.js';

/**
 * One person's browser: the cookies scm-connect sets (session, the sign-in flow's nonce) and a form client for the
 * SCM's web pages, each origin keeping its own cookies as a browser does. Redirects of scm-connect are not
 * followed, so each step's answer can be looked at.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly serviceUrl: string,
    readonly scm: FormClient,
  ) {}

  /** A browser that has this one's cookies, as another tab or a copied cookie jar would. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Opens an address of scm-connect: cookies sent and kept, no redirect followed. */
  async visit(url: URL | string): Promise<Response> {
    const target = new URL(url, this.serviceUrl);
    const response = await fetch(target, {
      redirect: 'manual',
      headers: { accept: 'text/html', ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}) },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    await response.arrayBuffer();
    return response;
  }

  /** Where scm-connect sent the browser (`Location`), after checking it answered with a redirect. */
  async redirectOf(url: URL | string): Promise<string> {
    const response = await this.visit(url);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`expected a redirect from ${String(url)}, got ${response.status}`);
    }
    return location;
  }

  /**
   * Follows the SCM's pages from `url` (its authorize page): signs in with `signIn` when asked, then clicks
   * `button` when the page asks; resolves with where the SCM sends the browser back.
   */
  async onScm(
    url: string,
    signIn: (page: WebPage) => Promise<WebPage>,
    button: string | undefined,
  ): Promise<URL> {
    let page = await this.scm.open(url);
    if (!this.scm.leftTo && /sign_in|\/login/.test(page.url)) page = await signIn(page);
    if (!this.scm.leftTo && button) page = await this.scm.submit(page, button);
    if (!this.scm.leftTo) throw new Error(`the SCM did not send the browser back:\n${page.html}`);
    return this.scm.leftTo;
  }

  /** An API client with this browser's session (its CSRF token read from `GET /api/v1/session`). */
  async api(): Promise<ApiClient & { session: SessionBody | undefined }> {
    const client = Object.assign(new ApiClient(this.serviceUrl), {
      session: undefined as SessionBody | undefined,
    });
    const session = this.cookies.get('scm_session');
    if (!session) return client;
    client.cookie = `scm_session=${session}`;
    const answer = await client.get<SessionBody>('/api/v1/session');
    if (answer.status === 200) client.session = answer.body;
    return client;
  }

  /** Signs in with email and password, as the login page does. */
  async signInWithPassword(email: string, password: string): Promise<void> {
    const client = new ApiClient(this.serviceUrl);
    const answer = await client.post('/api/v1/session', { email, password });
    if (answer.status !== 200) throw new Error(`sign-in: ${answer.status} ${answer.text}`);
    this.cookies.set('scm_session', client.cookie!.slice('scm_session='.length));
  }
}
