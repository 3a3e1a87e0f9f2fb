import { z } from 'zod';
import { ScmError } from '../errors.js';
import type { ScmHttp } from '../http/index.js';

/*
 * Sign in with GitLab: the OAuth 2.0 authorization code flow with PKCE of an OAuth application on gitlab.com or a
 * self-managed instance ("OAuth 2.0 identity provider API"), over the guarded HTTP layer. The `http` client's base
 * URL is the instance's web root; the token never leaves these calls.
 */

/** The OAuth application scm-connect signs people in with: its id and secret as GitLab shows them. */
export interface GitLabOAuthClient {
  readonly applicationId: string;
  readonly secret: string;
}

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

const tokenSchema = z.object({ access_token: z.string().min(1), token_type: z.string().nullish() });

/** Doorkeeper's refusal: `{error, error_description}`. */
const refusalSchema = z.object({ error: z.string().optional() }).catch({});

/** `GET /api/v4/user` as its owner sees it: `email` is the primary address, `state` says whether they may sign in. */
const currentUserSchema = z.object({
  id,
  username: z.string().min(1),
  name: z.string().nullish(),
  email: z.string().nullish(),
  /** `active`, or `blocked`, `deactivated`, `banned`, `blocked_pending_approval`… */
  state: z.string().min(1),
});

export interface GitLabOAuthUser {
  /** GitLab's numeric user id, as a decimal string. */
  readonly id: string;
  readonly username: string;
  readonly name: string | null;
  readonly email: string | null;
  /** Only `active` users sign in. */
  readonly state: string;
}

/**
 * Exchanges the code of a redirect back from `/oauth/authorize` for an access token. GitLab answers a used,
 * expired or foreign code (or a wrong verifier) with 400 `invalid_grant`, and a wrong secret with 401
 * `invalid_client`: both reject with an ScmError whose code names them, never with the code or the secret.
 */
export async function exchangeGitLabOAuthCode(
  web: ScmHttp,
  client: GitLabOAuthClient,
  input: { readonly code: string; readonly redirectUri: string; readonly codeVerifier: string },
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: client.applicationId,
    client_secret: client.secret,
    code_verifier: input.codeVerifier,
  });
  // POST /oauth/token
  const answer = await web.request({
    method: 'POST',
    path: '/oauth/token',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: form.toString(),
    acceptStatus: [400, 401],
  });
  if (answer.status >= 200 && answer.status < 300) {
    const token = tokenSchema.safeParse(answer.data);
    if (token.success) return token.data.access_token;
    throw new ScmError('invalid', 'GitLab answered the token request with an unexpected shape.', {
      code: 'upstream_invalid_response',
      fix: 'Check that the application’s URL is a GitLab instance.',
    });
  }
  const refusal = refusalSchema.parse(answer.data).error;
  if (refusal === 'invalid_client') {
    throw new ScmError('auth', 'GitLab refused the OAuth application’s id or secret.', {
      code: 'invalid_client_credentials',
      fix: 'Copy the application id and secret from GitLab’s application page into scm-connect again.',
    });
  }
  throw new ScmError(
    'invalid',
    'GitLab refused the sign-in code: it was used, expired, or is for another application.',
    {
      code: 'invalid_code',
      fix: 'Start the sign-in with GitLab again.',
    },
  );
}

/** What {@link gitLabOAuthUser} rejects with when GitLab refuses the person API access. */
export const gitLabUserNotActive = 'gitlab_user_not_active';

/**
 * The person an OAuth access token belongs to (`read_user` scope). GitLab answers 403 ("Your account has been
 * blocked.", "… deactivated …") for a user it does not let in: that rejects with code {@link gitLabUserNotActive}.
 */
export async function gitLabOAuthUser(web: ScmHttp, accessToken: string): Promise<GitLabOAuthUser> {
  // GET /api/v4/user
  const answer = await web.request({
    path: '/api/v4/user',
    headers: { authorization: `Bearer ${accessToken}` },
    acceptStatus: [403],
  });
  if (answer.status === 403) {
    throw new ScmError('forbidden', 'GitLab does not let this user in (blocked, deactivated or banned).', {
      code: gitLabUserNotActive,
      status: 403,
    });
  }
  const parsed = currentUserSchema.safeParse(answer.data);
  if (!parsed.success) {
    throw new ScmError('invalid', 'GitLab answered /api/v4/user with an unexpected shape.', {
      code: 'upstream_invalid_response',
    });
  }
  const user = parsed.data;
  return {
    id: user.id,
    username: user.username,
    name: user.name ?? null,
    email: user.email ?? null,
    state: user.state,
  };
}
