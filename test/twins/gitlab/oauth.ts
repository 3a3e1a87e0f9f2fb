import type { TwinRequest, TwinResponse, TwinRouter } from '../server/twin-server.js';
import { pkceMatches } from '../server/pkce.js';
import { esc, formOf, hidden, redirect } from '../server/web-page.js';
import { readFields, type Fields } from './body.js';
import { randomHex, type GitLabOAuthApplication } from './oauth-store.js';
import type { GitLabScope } from './scenario.js';
import type { GitLabState, GitLabToken, GitLabUser } from './state.js';
import { gitLabPage, requireSignIn } from './web-session.js';

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 7200;
/** What `scope` means when absent (`Gitlab::Auth::DEFAULT_SCOPES`). */
const DEFAULT_SCOPES: readonly GitLabScope[] = ['api'];

/** Doorkeeper's error descriptions (its `config/locales/en.yml`), which GitLab answers with. */
const descriptions = {
  invalid_client:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_redirect_uri: 'The redirect uri included is not valid.',
  invalid_grant:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  access_denied: 'The resource owner or authorization server denied the request.',
  unsupported_response_type: 'The authorization server does not support this response type.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  invalid_code_challenge_method: 'The code challenge method must be plain or S256.',
} as const;
const missingParameter = (name: string) => `Missing required parameter: ${name}.`;

/** A valid authorization request, or the answer to an invalid one. */
interface AuthorizationRequest {
  readonly application: GitLabOAuthApplication;
  readonly redirectUri: string;
  readonly scopes: readonly GitLabScope[];
  readonly state: string | undefined;
  readonly challenge: string | undefined;
  readonly challengeMethod: string | undefined;
}

/**
 * GitLab's OAuth 2.0 provider ("OAuth 2.0 identity provider API", built on Doorkeeper): `GET /oauth/authorize`
 * (sign in first, then an Authorize page; a person who authorized the same scopes before goes straight back),
 * `POST /oauth/authorize` (Authorize, or Deny with `_method=delete`) and `POST /oauth/token`
 * (`authorization_code` with PKCE, `refresh_token`). Access tokens work as `Authorization: Bearer` on `/api/v4`.
 */
export function registerOAuthRoutes(router: TwinRouter, state: GitLabState): void {
  const { oauth } = state;

  /** Doorkeeper's pre-authorization: client and redirect URI errors show a page, the others go back. */
  function preAuthorize(params: URLSearchParams): AuthorizationRequest | TwinResponse {
    const application = oauth.applications.get(params.get('client_id') ?? '');
    if (!application) return errorPage(401, descriptions.invalid_client);
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) return errorPage(400, missingParameter('redirect_uri'));
    if (!application.redirectUris.includes(redirectUri))
      return errorPage(400, descriptions.invalid_redirect_uri);
    const stateParam = params.get('state') ?? undefined;
    const back = (error: string, description: string) =>
      redirectWith(redirectUri, { error, error_description: description, state: stateParam });
    const responseType = params.get('response_type');
    if (!responseType) return back('invalid_request', missingParameter('response_type'));
    if (responseType !== 'code')
      return back('unsupported_response_type', descriptions.unsupported_response_type);
    const requested = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const scopes = requested.length > 0 ? requested : DEFAULT_SCOPES;
    if (!scopes.every((scope) => (application.scopes as readonly string[]).includes(scope)))
      return back('invalid_scope', descriptions.invalid_scope);
    const challenge = params.get('code_challenge') || undefined;
    const method = params.get('code_challenge_method') || undefined;
    if (method !== undefined && method !== 'S256' && method !== 'plain')
      return back('invalid_request', descriptions.invalid_code_challenge_method);
    return {
      application,
      redirectUri,
      scopes: scopes as GitLabScope[],
      state: stateParam,
      challenge,
      challengeMethod: challenge === undefined ? undefined : (method ?? 'plain'),
    };
  }

  function approve(request: AuthorizationRequest, user: GitLabUser): TwinResponse {
    const code = randomHex(32);
    oauth.grants.set(code, {
      code,
      applicationUid: request.application.uid,
      userId: user.id,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      challenge: request.challenge,
      challengeMethod: request.challengeMethod,
      expiresAt: state.now() + CODE_TTL_MS,
      used: false,
    });
    return redirectWith(request.redirectUri, { code, state: request.state });
  }

  /** Doorkeeper skips the page when the person holds a live token of the application for the same scopes. */
  const authorizedBefore = (request: AuthorizationRequest, user: GitLabUser) =>
    [...state.tokens.values()].some(
      (token) =>
        token.kind === 'oauth' &&
        !token.revoked &&
        token.applicationUid === request.application.uid &&
        token.userId === user.id &&
        sameScopes(token.scopes, request.scopes),
    );

  router.get('/oauth/authorize', (req) => {
    const user = requireSignIn(state, req);
    if (!('username' in user)) return user;
    const request = preAuthorize(req.url.searchParams);
    if (!('application' in request)) return request;
    if (authorizedBefore(request, user)) return approve(request, user);
    const fields = {
      client_id: request.application.uid,
      redirect_uri: request.redirectUri,
      response_type: 'code',
      scope: request.scopes.join(' '),
      state: request.state,
      code_challenge: request.challenge,
      code_challenge_method: request.challengeMethod,
    };
    return gitLabPage(
      `Authorize ${request.application.name} to use your account?`,
      `<p>An application called ${esc(request.application.name)} is requesting access to your GitLab account (${esc(user.username)}).</p>
<p>This application will be able to: ${request.scopes.map((s) => `<code>${esc(s)}</code>`).join(', ')}</p>
<form method="post" action="/oauth/authorize">
${hidden(fields)}
<p><button type="submit">Authorize</button></p>
</form>
<form method="post" action="/oauth/authorize">
${hidden({ ...fields, _method: 'delete' })}
<p><button type="submit">Deny</button></p>
</form>`,
    );
  });

  router.post('/oauth/authorize', (req) => {
    const user = requireSignIn(state, req);
    if (!('username' in user)) return user;
    const form = formOf(req);
    const request = preAuthorize(form);
    if (!('application' in request)) return request;
    if (form.get('_method') === 'delete') {
      return redirectWith(request.redirectUri, {
        error: 'access_denied',
        error_description: descriptions.access_denied,
        state: request.state,
      });
    }
    return approve(request, user);
  });

  router.post('/oauth/token', async (req) => {
    const fields = await readFields(req);
    const grantType = text(fields, 'grant_type');
    if (!grantType) return tokenError(400, 'invalid_request', missingParameter('grant_type'));
    if (grantType === 'authorization_code') return exchangeCode(req, fields);
    if (grantType === 'refresh_token') return refresh(req, fields);
    return tokenError(400, 'unsupported_grant_type', descriptions.unsupported_grant_type);
  });

  /** The client by `client_id` and `client_secret` (in the body or HTTP Basic); a public client needs no secret. */
  function client(req: TwinRequest, fields: Fields): GitLabOAuthApplication | undefined {
    let id = text(fields, 'client_id');
    let secret = text(fields, 'client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (basic) {
      const [user = '', ...rest] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(user);
      secret = decodeURIComponent(rest.join(':'));
    }
    const application = oauth.applications.get(id ?? '');
    if (!application) return undefined;
    if (secret === undefined ? application.confidential : secret !== application.secret) return undefined;
    return application;
  }

  // Doorkeeper's order: missing parameters, then the client, the code, the redirect URI, the PKCE verifier.
  function exchangeCode(req: TwinRequest, fields: Fields): TwinResponse {
    const grant = oauth.grants.get(text(fields, 'code') ?? '');
    const verifier = text(fields, 'code_verifier');
    const redirectUri = text(fields, 'redirect_uri');
    if (grant?.challenge !== undefined && !verifier)
      return tokenError(400, 'invalid_request', missingParameter('code_verifier'));
    if (!redirectUri) return tokenError(400, 'invalid_request', missingParameter('redirect_uri'));
    const application = client(req, fields);
    if (!application) return tokenError(401, 'invalid_client', descriptions.invalid_client);
    const invalidGrant = () => tokenError(400, 'invalid_grant', descriptions.invalid_grant);
    if (!grant || grant.applicationUid !== application.uid || grant.used || grant.expiresAt <= state.now())
      return invalidGrant();
    if (grant.redirectUri !== redirectUri) return invalidGrant();
    if (grant.challenge !== undefined && !pkceMatches(grant.challenge, grant.challengeMethod!, verifier!))
      return invalidGrant();
    grant.used = true;
    return issue(application, grant.userId, grant.scopes);
  }

  function refresh(req: TwinRequest, fields: Fields): TwinResponse {
    const application = client(req, fields);
    if (!application) return tokenError(401, 'invalid_client', descriptions.invalid_client);
    const value = text(fields, 'refresh_token') ?? '';
    const previous = oauth.refreshTokens.get(value);
    if (!previous || previous.revoked || previous.applicationUid !== application.uid)
      return tokenError(400, 'invalid_grant', descriptions.invalid_grant);
    previous.revoked = true;
    const access = state.tokens.get(previous.accessToken);
    if (access) access.revoked = true;
    return issue(application, previous.userId, previous.scopes);
  }

  function issue(application: GitLabOAuthApplication, userId: number, scopes: readonly GitLabScope[]) {
    const now = state.now();
    const token: GitLabToken = {
      id: state.newId(),
      value: randomHex(32),
      name: application.name,
      userId,
      scopes: [...scopes],
      expiresAt: null,
      revoked: false,
      kind: 'oauth',
      createdAt: new Date(now).toISOString(),
      lastUsedAt: null,
      requestsPerMinute: undefined,
      window: { startedAt: 0, count: 0 },
      expiresAtMs: now + TOKEN_TTL_S * 1000,
      applicationUid: application.uid,
    };
    state.tokens.set(token.value, token);
    const refreshToken = randomHex(32);
    oauth.refreshTokens.set(refreshToken, {
      applicationUid: application.uid,
      userId,
      scopes,
      accessToken: token.value,
      revoked: false,
    });
    return {
      headers: noStore,
      body: {
        access_token: token.value,
        token_type: 'Bearer',
        expires_in: TOKEN_TTL_S,
        refresh_token: refreshToken,
        scope: scopes.join(' '),
        created_at: Math.floor(now / 1000),
      },
    };
  }
}

const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };

function text(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const sameScopes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((scope) => b.includes(scope));

function redirectWith(uri: string, params: Record<string, string | undefined>): TwinResponse {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  return redirect(url.toString());
}

/** Doorkeeper's error page for what cannot go back to the client (unknown client, bad redirect URI). */
function errorPage(status: number, description: string): TwinResponse {
  return gitLabPage('An error has occurred', `<p role="alert">${esc(description)}</p>`, status);
}

function tokenError(status: 400 | 401, error: string, description: string): TwinResponse {
  return {
    status,
    headers: {
      ...noStore,
      ...(status === 401
        ? {
            'www-authenticate': `Bearer realm="Doorkeeper", error="${error}", error_description="${description}"`,
          }
        : {}),
    },
    body: { error, error_description: description },
  };
}
