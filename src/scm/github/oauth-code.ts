import { z } from 'zod';
import { ScmError } from '../errors.js';
import type { ScmHttp } from '../http/index.js';
import type { GitHubAppCredentials } from './app-credentials.js';

const tokenAnswer = z.union([z.object({ access_token: z.string().min(1) }), z.object({ error: z.string() })]);

/**
 * `POST {web}/login/oauth/access_token`: a web-flow code for a user access token. GitHub answers 200 also when
 * it refuses, with `error` set (`bad_verification_code` for a used, expired or foreign code). `codeVerifier` is
 * the PKCE verifier of a flow that sent `code_challenge` (S256) to the authorize page.
 */
export async function exchangeOAuthCode(
  web: ScmHttp,
  credentials: GitHubAppCredentials,
  code: string,
  redirectUri: string,
  codeVerifier?: string,
): Promise<string> {
  const form = new URLSearchParams({
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    code,
    redirect_uri: redirectUri,
    ...(codeVerifier === undefined ? {} : { code_verifier: codeVerifier }),
  });
  const answer = await web.request(
    {
      method: 'POST',
      path: '/login/oauth/access_token',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: form.toString(),
    },
    tokenAnswer,
  );
  const data = answer.data;
  if ('access_token' in data) return data.access_token;
  switch (data.error) {
    case 'bad_verification_code':
      throw new ScmError(
        'invalid',
        'GitHub refused the sign-in code: it was used already, expired, or is for another app.',
        {
          code: 'invalid_code',
          fix: 'Start the sign-in with GitHub again.',
        },
      );
    case 'incorrect_client_credentials':
      throw new ScmError('auth', "GitHub refused the app's client id or client secret.", {
        code: 'invalid_client_credentials',
        fix: "Generate a new client secret in the GitHub App's settings and update the app in scm-connect.",
      });
    case 'redirect_uri_mismatch':
      throw new ScmError(
        'invalid',
        "The sign-in's redirect address is not a callback URL of the GitHub App.",
        {
          code: 'redirect_uri_mismatch',
          fix: "Add scm-connect's callback URL to the GitHub App's callback URLs.",
        },
      );
    default:
      throw new ScmError('invalid', 'GitHub refused to exchange the sign-in code.', {
        code: 'invalid_code',
        fix: 'Start the sign-in with GitHub again.',
      });
  }
}
