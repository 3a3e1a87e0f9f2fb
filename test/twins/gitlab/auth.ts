import { TwinHttpError, type TwinRequest } from '../server/twin-server.js';
import type { GitLabScope } from './scenario.js';
import type { GitLabState, GitLabToken, GitLabUser } from './state.js';

/** What a request may do: who it acts as and with which token. Anonymous when `token` is undefined. */
export interface GitLabCaller {
  readonly token: GitLabToken | undefined;
  readonly user: GitLabUser | undefined;
  /** Throws GitLab's 401/403 unless the token carries one of the scopes a call of this kind needs. */
  require(need: GitLabNeed): void;
}

/**
 * `read`: `api` or `read_api` (every REST read); `write`: `api`; `user`: `api`, `read_api` or `read_user`
 * (`GET /user`, `GET /version`); `any`: any valid token (`GET /personal_access_tokens/self`).
 */
export type GitLabNeed = 'read' | 'write' | 'user' | 'any';

const acceptedScopes: Record<GitLabNeed, readonly GitLabScope[]> = {
  read: ['api', 'read_api'],
  write: ['api'],
  user: ['api', 'read_api', 'read_user'],
  any: [],
};

export const unauthorized = () => new TwinHttpError(401, { message: '401 Unauthorized' });

/** Resolves the token of a request (`PRIVATE-TOKEN` or `Authorization: Bearer`); 401 for a bad one. */
export function identify(state: GitLabState, request: TwinRequest): GitLabCaller {
  const value = tokenOf(request);
  if (value === undefined) return caller(undefined, undefined);
  const token = state.tokens.get(value);
  if (!token) throw unauthorized();
  if (token.revoked) throw invalidToken('Token was revoked. You have to re-authorize from the user.');
  if (
    (token.expiresAt !== null && token.expiresAt <= state.today) ||
    (token.expiresAtMs !== undefined && token.expiresAtMs <= state.now())
  )
    throw invalidToken('Token is expired. You can either do re-authorization or token refresh.');
  const user = state.users.get(token.userId);
  const denied = user ? accessDenied[user.state] : undefined;
  if (denied) throw new TwinHttpError(403, { message: `403 Forbidden - ${denied}` });
  token.lastUsedAt = new Date().toISOString();
  return caller(token, user);
}

/** Why a user's tokens stop working (`Gitlab::Auth::UserAccessDeniedReason`). */
const accessDenied: Readonly<Record<GitLabUser['state'], string | undefined>> = {
  active: undefined,
  blocked: 'Your account has been blocked.',
  deactivated:
    'Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account.',
};

function caller(token: GitLabToken | undefined, user: GitLabUser | undefined): GitLabCaller {
  return {
    token,
    user,
    require(need) {
      if (!token) {
        if (need === 'read') return;
        throw unauthorized();
      }
      const accepted = acceptedScopes[need];
      if (accepted.length === 0 || accepted.some((scope) => token.scopes.includes(scope))) return;
      throw insufficientScope(accepted);
    },
  };
}

function tokenOf(request: TwinRequest): string | undefined {
  const privateToken = request.headers['private-token'];
  if (typeof privateToken === 'string' && privateToken !== '') return privateToken;
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match) return match[1]!.trim();
  }
  return undefined;
}

function invalidToken(description: string): TwinHttpError {
  return new TwinHttpError(
    401,
    { error: 'invalid_token', error_description: description },
    {
      'www-authenticate': `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`,
    },
  );
}

const scopeDescription = 'The request requires higher privileges than provided by the access token.';

function insufficientScope(accepted: readonly GitLabScope[]): TwinHttpError {
  const scope = accepted.join(' ');
  return new TwinHttpError(
    403,
    { error: 'insufficient_scope', error_description: scopeDescription, scope },
    {
      'www-authenticate': `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="${scopeDescription}", scope="${scope}"`,
    },
  );
}

/** Counts a request against the token's per-minute budget; returns the `RateLimit-*` headers to send. */
export function spendBudget(token: GitLabToken | undefined, now: number): Record<string, string> {
  if (!token || token.requestsPerMinute === undefined) return {};
  const limit = token.requestsPerMinute;
  if (now - token.window.startedAt >= 60_000) token.window = { startedAt: now, count: 0 };
  token.window.count += 1;
  const resetAt = token.window.startedAt + 60_000;
  const headers = {
    'ratelimit-name': 'throttle_authenticated_api',
    'ratelimit-limit': String(limit),
    'ratelimit-observed': String(token.window.count),
    'ratelimit-remaining': String(Math.max(0, limit - token.window.count)),
    'ratelimit-reset': String(Math.ceil(resetAt / 1000)),
    'ratelimit-resettime': new Date(resetAt).toUTCString(),
  };
  if (token.window.count > limit) {
    throw new TwinHttpError(429, 'Retry later\n', {
      ...headers,
      'retry-after': String(Math.max(1, Math.ceil((resetAt - now) / 1000))),
      'content-type': 'text/plain',
    });
  }
  return headers;
}
