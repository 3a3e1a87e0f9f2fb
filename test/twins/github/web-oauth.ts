import { randomBytes } from 'node:crypto';
import { pkceMatches } from '../server/pkce.js';
import type { TwinResponse, TwinRouter } from '../server/twin-server.js';
import { randomToken } from './routes-app.js';
import { esc, formOf, hidden, page, redirect } from './html.js';
import type { AppRecord, GitHubState, TokenRecord, UserRecord } from './state.js';
import { requireSignIn } from './web-session.js';

const CODE_TTL_MS = 10 * 60_000;
const USER_TOKEN_TTL_MS = 8 * 3_600_000;
const REFRESH_TTL_S = 15_897_600;

/** Per-twin OAuth bookkeeping: which users authorized which app, and refresh tokens. */
export interface OAuthBook {
  readonly authorized: Set<string>;
  readonly refreshTokens: Map<string, { appId: number; userId: number; expiresAt: number }>;
}

export const createOAuthBook = (): OAuthBook => ({ authorized: new Set(), refreshTokens: new Map() });

/** Issue a one-time OAuth code for `user` and `app` (valid 10 minutes), bound to a PKCE challenge if given. */
export function mintOAuthCode(
  state: GitHubState,
  book: OAuthBook,
  app: AppRecord,
  user: UserRecord,
  redirectUri?: string,
  challenge?: string,
): string {
  const code = randomBytes(10).toString('hex');
  state.oauthCodes.set(code, {
    code,
    appId: app.id,
    userId: user.id,
    redirectUri,
    challenge,
    expiresAt: state.now() + CODE_TTL_MS,
    used: false,
  });
  book.authorized.add(`${app.id}:${user.id}`);
  return code;
}

/** Issue a `ghu_` user-to-server token (8 h) for `user` through `app`. */
export function mintUserToken(state: GitHubState, app: AppRecord, user: UserRecord): TokenRecord {
  const token: TokenRecord = {
    token: `ghu_${randomToken()}`,
    kind: 'user',
    appId: app.id,
    installationId: undefined,
    userId: user.id,
    permissions: app.permissions,
    repoIds: undefined,
    expiresAt: state.now() + USER_TOKEN_TTL_MS,
    revoked: false,
  };
  state.tokens.set(token.token, token);
  return token;
}

/** Whether `candidate` is allowed by one of the app's callback URLs (same origin, path at or below). */
function redirectAllowed(app: AppRecord, candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  return app.callbackUrls.some((allowed) => {
    const base = new URL(allowed);
    const basePath = base.pathname.replace(/\/$/, '');
    return (
      base.origin === url.origin &&
      (url.pathname === base.pathname || url.pathname.startsWith(`${basePath}/`))
    );
  });
}

/**
 * `GET/POST /login/oauth/authorize` (the consent page) and `POST /login/oauth/access_token`. PKCE: a
 * `code_challenge` on authorize (only `code_challenge_method=S256` is accepted, as GitHub announced) binds the code
 * to its `code_verifier`; an exchange without the right verifier answers `bad_verification_code`.
 */
export function registerOAuthPages(router: TwinRouter, state: GitHubState, book: OAuthBook): void {
  const target = (
    fields: URLSearchParams,
  ): { app: AppRecord; redirectUri: string; challenge: string | undefined } | TwinResponse => {
    const app = state.appByClientId(fields.get('client_id') ?? '');
    if (!app) return page('Not Found', '<p>No application with that client id.</p>', 404);
    const requested = fields.get('redirect_uri');
    const redirectUri = requested ?? app.callbackUrls[0];
    if (!redirectUri || (requested && !redirectAllowed(app, requested))) {
      return page(
        'Redirect URI mismatch',
        `<p>The redirect_uri is not associated with ${esc(app.name)}.</p>`,
        400,
      );
    }
    const challenge = fields.get('code_challenge') || undefined;
    if (challenge !== undefined && fields.get('code_challenge_method') !== 'S256') {
      return page(
        'Unsupported code challenge method',
        '<p>Only the S256 code challenge method is accepted.</p>',
        400,
      );
    }
    return { app, redirectUri, challenge };
  };
  const finish = (
    found: { app: AppRecord; redirectUri: string; challenge: string | undefined },
    user: UserRecord,
    state_: string | null,
  ) => {
    const { app, redirectUri, challenge } = found;
    const url = new URL(redirectUri);
    url.searchParams.set('code', mintOAuthCode(state, book, app, user, redirectUri, challenge));
    if (state_ !== null) url.searchParams.set('state', state_);
    return redirect(url.toString());
  };

  // The authorize page: already-authorized users go straight back (as on GitHub), others see "Authorize".
  router.get('/login/oauth/authorize', (req) => {
    const user = requireSignIn(state, req);
    if (!('login' in user)) return user;
    const found = target(req.url.searchParams);
    if (!('app' in found)) return found;
    const { app, redirectUri, challenge } = found;
    const stateParam = req.url.searchParams.get('state');
    if (book.authorized.has(`${app.id}:${user.id}`) && req.url.searchParams.get('prompt') !== 'consent') {
      return finish(found, user, stateParam);
    }
    const pkce = challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {};
    return page(
      `Authorize ${app.name}`,
      `<p>${esc(app.name)} by ${esc(app.owner)} wants to verify your GitHub identity (${esc(user.login)}) and act on your behalf.</p>
<form method="post" action="/login/oauth/authorize">
${hidden({ client_id: app.clientId, redirect_uri: redirectUri, state: stateParam ?? undefined, ...pkce })}
<p><button type="submit" name="authorize" value="1">Authorize</button></p>
</form>
<form method="post" action="/login/oauth/authorize">
${hidden({ client_id: app.clientId, redirect_uri: redirectUri, state: stateParam ?? undefined, cancel: '1' })}
<p><button type="submit">Cancel</button></p>
</form>`,
    );
  });

  router.post('/login/oauth/authorize', (req) => {
    const user = requireSignIn(state, req);
    if (!('login' in user)) return user;
    const form = formOf(req);
    const found = target(form);
    if (!('app' in found)) return found;
    if (form.get('cancel')) {
      const url = new URL(found.redirectUri);
      url.searchParams.set('error', 'access_denied');
      url.searchParams.set('error_description', 'The user has denied your application access.');
      const s = form.get('state');
      if (s !== null) url.searchParams.set('state', s);
      return redirect(url.toString());
    }
    return finish(found, user, form.get('state'));
  });

  // POST /login/oauth/access_token (code or refresh-token exchange; errors answer 200 as on GitHub)
  router.post('/login/oauth/access_token', (req) => {
    const fields = new URLSearchParams(req.url.search);
    for (const [k, v] of formOf(req)) fields.set(k, v);
    const json = String(req.headers.accept ?? '').includes('application/json');
    const answer = (body: Record<string, string | number>): TwinResponse =>
      json
        ? { body }
        : {
            headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
            body: new URLSearchParams(Object.entries(body).map(([k, v]) => [k, String(v)])).toString(),
          };
    const error = (code: string, description: string) =>
      answer({
        error: code,
        error_description: description,
        error_uri: `https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#${code.replace(/_/g, '-')}`,
      });
    const app = state.appByClientId(fields.get('client_id') ?? '');
    if (!app || app.clientSecret !== fields.get('client_secret')) {
      return error(
        'incorrect_client_credentials',
        'The client_id and/or client_secret passed are incorrect.',
      );
    }
    let userId: number;
    if (fields.get('grant_type') === 'refresh_token') {
      const refresh = book.refreshTokens.get(fields.get('refresh_token') ?? '');
      if (!refresh || refresh.appId !== app.id || refresh.expiresAt <= state.now()) {
        return error('bad_refresh_token', 'The refresh token passed is incorrect or expired.');
      }
      book.refreshTokens.delete(fields.get('refresh_token')!);
      userId = refresh.userId;
    } else {
      const record = state.oauthCodes.get(fields.get('code') ?? '');
      if (!record || record.used || record.appId !== app.id || record.expiresAt <= state.now()) {
        return error('bad_verification_code', 'The code passed is incorrect or expired.');
      }
      const redirectUri = fields.get('redirect_uri');
      if (redirectUri && record.redirectUri && redirectUri !== record.redirectUri) {
        return error(
          'redirect_uri_mismatch',
          'The redirect_uri MUST match the registered callback URL for this application.',
        );
      }
      const verifier = fields.get('code_verifier');
      if (record.challenge !== undefined && !(verifier && pkceMatches(record.challenge, 'S256', verifier))) {
        return error('bad_verification_code', 'The code passed is incorrect or expired.');
      }
      record.used = true;
      userId = record.userId;
    }
    const user = state.users.get(userId)!;
    const token = mintUserToken(state, app, user);
    const refreshToken = `ghr_${randomToken()}${randomToken()}`.slice(0, 76);
    book.refreshTokens.set(refreshToken, {
      appId: app.id,
      userId,
      expiresAt: state.now() + REFRESH_TTL_S * 1000,
    });
    return answer({
      access_token: token.token,
      expires_in: Math.round((token.expiresAt - state.now()) / 1000),
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TTL_S,
      token_type: 'bearer',
      scope: '',
    });
  });
}
