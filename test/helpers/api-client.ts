import type { TestService } from './service.js';

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface SessionBody {
  user: { id: string; email: string; name: string; instanceAdmin: boolean };
  accounts: { id: string; name: string; role: 'admin' | 'member' }[];
  currentAccountId: string | null;
  csrfToken: string;
}

/**
 * Talks to the API the way the web UI does: keeps the session cookie, sends the CSRF token and a same-origin
 * Origin on changes. `bearer` switches to API-token authentication.
 */
export class ApiClient {
  cookie: string | undefined;
  csrfToken: string | undefined;
  bearer: string | undefined;

  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<T>> {
    const send: Record<string, string> = { ...headers };
    if (this.bearer) send.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie) send.cookie = this.cookie;
    if (method !== 'GET') {
      send.origin ??= this.baseUrl;
      if (this.csrfToken && !this.bearer) send['x-csrf-token'] ??= this.csrfToken;
    }
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      send['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: send,
      body: payload,
      redirect: 'manual',
    });
    // Only a change of the session cookie changes the session (other cookies, like a flow's nonce, do not).
    const setCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('scm_session='));
    if (setCookie) {
      const value = /^scm_session=([^;]*)/.exec(setCookie)?.[1];
      this.cookie =
        value && !/max-age=0|expires=Thu, 01 Jan 1970/i.test(setCookie) ? `scm_session=${value}` : undefined;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (
      parsed &&
      typeof parsed === 'object' &&
      'csrfToken' in parsed &&
      typeof parsed.csrfToken === 'string'
    ) {
      this.csrfToken = parsed.csrfToken;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get = <T = unknown>(path: string, headers?: Record<string, string>) =>
    this.call<T>('GET', path, undefined, headers);
  post = <T = unknown>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.call<T>('POST', path, body, headers);
  put = <T = unknown>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.call<T>('PUT', path, body, headers);
  patch = <T = unknown>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.call<T>('PATCH', path, body, headers);
  delete = <T = unknown>(path: string, headers?: Record<string, string>) =>
    this.call<T>('DELETE', path, undefined, headers);
}

export const adminPassword = 'correct horse battery staple';

/** Sets the instance up through its one-time link and returns a signed-in client of the first admin. */
export async function setUpAdmin(
  service: TestService,
  input: { email?: string; name?: string; accountName?: string } = {},
): Promise<{ client: ApiClient; session: SessionBody }> {
  const client = new ApiClient(service.url);
  const token = new URL(service.setupUrl!).searchParams.get('token')!;
  const answer = await client.post<SessionBody>('/api/v1/setup', {
    token,
    email: input.email ?? 'admin@example.com',
    name: input.name ?? 'Ada Admin',
    password: adminPassword,
    accountName: input.accountName ?? 'Acme Security',
  });
  if (answer.status !== 201) throw new Error(`set-up failed: ${answer.status} ${answer.text}`);
  return { client, session: answer.body };
}

/** Adds a person to an account through an invitation and returns their signed-in client. */
export async function addPerson(
  admin: ApiClient,
  service: TestService,
  accountId: string,
  email: string,
  role: 'admin' | 'member',
): Promise<{ client: ApiClient; session: SessionBody }> {
  const invited = await admin.post<{ invitation: { url: string } }>(`/api/v1/accounts/${accountId}/members`, {
    email,
    role,
  });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${invited.text}`);
  const token = invited.body.invitation.url.split('/invite/')[1]!;
  const client = new ApiClient(service.url);
  const accepted = await client.post<SessionBody>(`/api/v1/invitations/${token}/accept`, {
    name: email.split('@')[0],
    password: adminPassword,
  });
  if (accepted.status !== 201) throw new Error(`accept failed: ${accepted.status} ${accepted.text}`);
  return { client, session: accepted.body };
}
