import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient, type WebPage } from '../server/web-client.js';
import {
  demoGitLabScenario,
  pkcePair,
  startGitLabTwin,
  type GitLabOAuthApplication,
  type GitLabTwin,
} from './index.js';

const callback = 'https://scm.example.test/auth/gitlab/callback';
const pkce = pkcePair('a-verifier-of-at-least-forty-three-characters-0123456789');

describe('GitLab twin: OAuth 2.0 provider and the current user', () => {
  let twin: GitLabTwin;
  let app: GitLabOAuthApplication;

  beforeAll(async () => {
    const demo = demoGitLabScenario();
    twin = await startGitLabTwin({
      ...demo,
      users: [
        ...demo.users,
        { id: 15, username: 'erin', name: 'Erin Blocked', password: 'erin-pass', state: 'blocked' },
      ],
    });
    app = twin.registerOAuthApplication({
      name: 'scm-connect',
      redirectUris: [callback],
      scopes: ['read_user', 'openid'],
    });
  });
  afterAll(() => twin.close());

  const authorizeUrl = (overrides: Record<string, string> = {}) =>
    `${twin.webUrl}/oauth/authorize?${new URLSearchParams({
      client_id: app.uid,
      redirect_uri: callback,
      response_type: 'code',
      state: 'state-1',
      scope: 'read_user',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      ...overrides,
    }).toString()}`;

  const signIn = (web: FormClient, page: WebPage, username: string, password: string) =>
    web.submit(page, 'Sign in', { fill: { 'Username or primary email': username, Password: password } });

  /** A person signs in and clicks Authorize; returns where GitLab sent the browser. */
  async function authorize(username: string, password: string, overrides: Record<string, string> = {}) {
    const web = new FormClient(twin.webUrl);
    let page = await web.open(authorizeUrl(overrides));
    expect(page.url).toContain('/users/sign_in?redirect_to=');
    page = await signIn(web, page, username, password);
    if (web.leftTo) return { web, back: web.leftTo };
    expect(page.html).toContain('Authorize scm-connect to use your account?');
    await web.submit(page, 'Authorize');
    return { web, back: web.leftTo! };
  }

  const token = (fields: Record<string, string>) =>
    fetch(`${twin.webUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: app.uid,
        client_secret: app.secret,
        redirect_uri: callback,
        code_verifier: pkce.verifier,
        ...fields,
      }).toString(),
    });

  const currentUser = (accessToken: string) =>
    fetch(`${twin.apiUrl}/user`, { headers: { authorization: `Bearer ${accessToken}` } });

  it('authorize → token → /api/v4/user with PKCE; the code works once', async () => {
    const { back } = await authorize('bob', 'bob-pass');
    expect(`${back.origin}${back.pathname}`).toBe(callback);
    expect(back.searchParams.get('state')).toBe('state-1');
    const code = back.searchParams.get('code')!;

    const exchanged = await token({ code });
    expect(exchanged.status).toBe(200);
    expect(exchanged.headers.get('cache-control')).toBe('no-store');
    const body = (await exchanged.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 7200, scope: 'read_user' });
    expect(body.access_token).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof body.refresh_token).toBe('string');
    expect(typeof body.created_at).toBe('number');

    const me = await currentUser(String(body.access_token));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      id: 12,
      username: 'bob',
      name: 'Bob Developer',
      state: 'active',
      email: 'bob@example.com',
      web_url: `${twin.webUrl}/bob`,
      avatar_url: null,
    });

    const again = await token({ code });
    expect([again.status, await again.json()]).toEqual([
      400,
      {
        error: 'invalid_grant',
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      },
    ]);
  });

  it('refuses a wrong or missing code_verifier, another redirect_uri and a wrong secret', async () => {
    const { back } = await authorize('carol', 'carol-pass');
    const code = back.searchParams.get('code')!;
    const wrong = await token({ code, code_verifier: 'another-verifier-of-forty-three-characters-xxxxxxx' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
    const missing = await token({ code, code_verifier: '' });
    expect([missing.status, await missing.json()]).toEqual([
      400,
      { error: 'invalid_request', error_description: 'Missing required parameter: code_verifier.' },
    ]);
    const elsewhere = await token({ code, redirect_uri: 'https://scm.example.test/other' });
    expect([elsewhere.status, ((await elsewhere.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_grant',
    ]);
    const secret = await token({ code, client_secret: 'not-the-secret' });
    expect(secret.status).toBe(401);
    expect(secret.headers.get('www-authenticate')).toContain('error="invalid_client"');
    expect(await secret.json()).toMatchObject({ error: 'invalid_client' });
    // None of those failures used the code up.
    expect((await token({ code })).status).toBe(200);
  });

  it('answers a wrong redirect_uri with an error page, and the other errors back at the client', async () => {
    const web = new FormClient(twin.webUrl);
    await signIn(web, await web.open('/users/sign_in'), 'alice', 'alice-pass');
    const page = await web.open(authorizeUrl({ redirect_uri: `${callback}/x` }));
    expect(web.leftTo).toBeUndefined();
    expect(page.status).toBe(400);
    expect(page.html).toContain('The redirect uri included is not valid.');

    await web.open(authorizeUrl({ scope: 'api' }));
    expect(Object.fromEntries(web.leftTo!.searchParams)).toEqual({
      error: 'invalid_scope',
      error_description: 'The requested scope is invalid, unknown, or malformed.',
      state: 'state-1',
    });

    const consent = await web.open(authorizeUrl({ state: 'state-2' }));
    await web.submit(consent, 'Deny');
    expect(Object.fromEntries(web.leftTo!.searchParams)).toEqual({
      error: 'access_denied',
      error_description: 'The resource owner or authorization server denied the request.',
      state: 'state-2',
    });
  });

  it('sends a person who authorized the same scopes before straight back, and asks again for others', async () => {
    const { web, back } = await authorize('dave', 'dave-pass');
    expect((await token({ code: back.searchParams.get('code')! })).status).toBe(200);
    await web.open(authorizeUrl({ state: 'again' }));
    expect(web.leftTo!.searchParams.get('state')).toBe('again');
    expect(web.leftTo!.searchParams.get('code')).toMatch(/^[0-9a-f]{64}$/);
    const page = await web.open(authorizeUrl({ scope: 'read_user openid' }));
    expect(web.leftTo).toBeUndefined();
    expect(page.html).toContain('This application will be able to');
  });

  it('refuses a blocked person at sign-in, and a token once its person is blocked', async () => {
    const web = new FormClient(twin.webUrl);
    const page = await signIn(web, await web.open(authorizeUrl()), 'erin', 'erin-pass');
    expect(page.status).toBe(401);
    expect(page.html).toContain('Your account has been blocked.');
    expect(web.leftTo).toBeUndefined();

    const { back } = await authorize('alice', 'alice-pass');
    const { access_token } = (await (await token({ code: back.searchParams.get('code')! })).json()) as {
      access_token: string;
    };
    twin.setUserState('alice', 'blocked');
    try {
      const me = await currentUser(access_token);
      expect([me.status, await me.json()]).toEqual([
        403,
        { message: '403 Forbidden - Your account has been blocked.' },
      ]);
    } finally {
      twin.setUserState('alice', 'active');
    }
  });

  it('expires codes after ten minutes and tokens after two hours; a refresh token gives a new pair', async () => {
    const first = await authorize('bob', 'bob-pass', { state: 'late' });
    twin.advanceTime(11 * 60_000);
    const late = await token({ code: first.back.searchParams.get('code')! });
    expect(((await late.json()) as { error: string }).error).toBe('invalid_grant');

    const second = await authorize('bob', 'bob-pass', { state: 'fresh' });
    const issued = (await (await token({ code: second.back.searchParams.get('code')! })).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const refreshed = await fetch(`${twin.webUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: issued.refresh_token,
        client_id: app.uid,
        client_secret: app.secret,
      }),
    });
    const renewed = (await refreshed.json()) as { access_token: string };
    expect((await currentUser(issued.access_token)).status).toBe(401);
    expect((await currentUser(renewed.access_token)).status).toBe(200);
    twin.advanceTime(2 * 3_600_000);
    const expired = await currentUser(renewed.access_token);
    expect([expired.status, ((await expired.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_token',
    ]);
  });

  it('needs read_user (or api, read_api) for /api/v4/user: an openid-only token is refused', async () => {
    const { back } = await authorize('carol', 'carol-pass', { scope: 'openid' });
    const { access_token } = (await (await token({ code: back.searchParams.get('code')! })).json()) as {
      access_token: string;
    };
    const me = await currentUser(access_token);
    expect(me.status).toBe(403);
    expect(await me.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});
