import { ApiClient, type SessionBody } from '../helpers/api-client.js';

/** Where a round trip ended: the page of scm-connect the browser landed on. */
export interface Landing {
  readonly status: number;
  /** The path and query of the scm-connect page (e.g. `/login?error=flow_expired`). */
  readonly path: string;
  readonly body: string;
}

/** A form the page would submit by itself (the HTTP-POST binding of a SAML IdP). */
export interface AutoPostForm {
  readonly action: string;
  readonly fields: Record<string, string>;
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The auto-posting form of an IdP page, if it is one. */
export function autoPostFormOf(html: string): AutoPostForm | undefined {
  const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"[^>]*>/gi)) {
    fields[decode(input[1]!)] = decode(input[2]!);
  }
  return { action: decode(form[1]!), fields };
}

/**
 * A browser without a screen: keeps cookies per origin, follows redirects across scm-connect and the identity
 * provider, and submits an IdP's auto-posting form as its script would: a cross-site POST, which carries none of
 * scm-connect's (SameSite=Lax) cookies. It stops on the first scm-connect page that is not an `/auth/…` step.
 */
export class SsoBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(readonly serviceUrl: string) {}

  private jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  cookie(name: string, origin = this.serviceUrl): string | undefined {
    return this.jar(new URL(origin).origin).get(name);
  }

  setCookie(name: string, value: string, origin = this.serviceUrl): void {
    this.jar(new URL(origin).origin).set(name, value);
  }

  /** Opens `url` (a path of scm-connect, or an absolute address) and follows the round trip to its landing page. */
  async open(url: string): Promise<Landing> {
    return this.follow(new URL(url, this.serviceUrl), { method: 'GET', withCookies: true });
  }

  /** Opens `url` and follows redirects until the next address is `stop`'s (not opened): that address. */
  async openUntil(url: string, stop: (next: URL) => boolean): Promise<URL> {
    let stopped: URL | undefined;
    await this.follow(new URL(url, this.serviceUrl), { method: 'GET', withCookies: true }, (next) => {
      if (stop(next)) stopped = next;
      return stopped !== undefined;
    });
    if (!stopped) throw new Error('the round trip did not reach the address');
    return stopped;
  }

  /** Posts a form (an IdP's response) to scm-connect, cross-site: without scm-connect's cookies. */
  async postForm(form: AutoPostForm): Promise<Landing> {
    return this.follow(new URL(form.action, this.serviceUrl), {
      method: 'POST',
      body: new URLSearchParams(form.fields).toString(),
      withCookies: false,
    });
  }

  private async follow(
    start: URL,
    first: { method: string; body?: string; withCookies: boolean },
    stop: (next: URL) => boolean = () => false,
  ): Promise<Landing> {
    let url = start;
    let request = first;
    for (let hops = 0; hops < 20; hops++) {
      if (stop(url)) return { status: 0, path: url.href, body: '' };
      const jar = this.jar(url.origin);
      const response = await fetch(url, {
        method: request.method,
        redirect: 'manual',
        headers: {
          ...(request.withCookies && jar.size > 0
            ? { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }
            : {}),
          ...(request.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          accept: 'text/html',
        },
        body: request.body,
      });
      for (const header of response.headers.getSetCookie()) {
        const [pair = ''] = header.split(';');
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        const value = pair.slice(at + 1);
        if (/max-age=0|expires=thu, 01 jan 1970/i.test(header) || value === '') jar.delete(name);
        else jar.set(name, value);
      }
      const location = response.headers.get('location');
      const body = await response.text();
      const onService = url.origin === new URL(this.serviceUrl).origin;
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, url);
        const nextOnService = next.origin === new URL(this.serviceUrl).origin;
        if (nextOnService && !next.pathname.startsWith('/auth/')) {
          return { status: response.status, path: `${next.pathname}${next.search}`, body };
        }
        url = next;
        request = { method: 'GET', withCookies: true };
        continue;
      }
      const form = onService ? undefined : autoPostFormOf(body);
      if (form) return this.postForm(form);
      return { status: response.status, path: `${url.pathname}${url.search}`, body };
    }
    throw new Error('too many redirects');
  }

  /** An API client signed in with this browser's session (after a sign-in landed). */
  async apiClient(): Promise<{ client: ApiClient; session: SessionBody }> {
    const client = new ApiClient(this.serviceUrl);
    const cookie = this.cookie('scm_session');
    if (!cookie) throw new Error('the browser has no session');
    client.cookie = `scm_session=${cookie}`;
    const answer = await client.get<SessionBody>('/api/v1/session');
    if (answer.status !== 200) throw new Error(`no session: ${answer.status} ${answer.text}`);
    return { client, session: answer.body };
  }

  /** Gives the browser the session of an API client (a person signed in with a password). */
  useSessionOf(client: ApiClient): this {
    const value = /^scm_session=(.*)$/.exec(client.cookie ?? '')?.[1];
    if (!value) throw new Error('the client has no session');
    this.setCookie('scm_session', value);
    return this;
  }
}
