import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ScmError } from '../errors.js';
import { integerIdPattern } from './app-credentials.js';

/** An app JWT lives at most ten minutes; it is issued a minute in the past to allow for clock drift. */
const lifetimeS = 540;
const backdateS = 60;

export interface AppJwt {
  readonly jwt: string;
  readonly expiresAt: string;
}

/**
 * Signs app JWTs (RS256, `iss` = the app id) on scm-connect's clock, in the shape `@octokit/auth-app`'s
 * `createJwt` takes: `timeDifference` is GitHub's clock minus ours, in seconds, when auth-app measured one.
 */
export function createAppJwtSigner(
  appId: string,
  privateKeyPem: string,
  now: () => Date,
): (_issuer: string | number, timeDifference?: number) => Promise<AppJwt> {
  if (!integerIdPattern.test(appId)) {
    throw new ScmError('invalid', 'The GitHub App id is not a positive integer.', {
      code: 'invalid_app_id',
      fix: 'Register the GitHub App again so that its id is read from GitHub.',
    });
  }
  let key: KeyObject | undefined;
  const privateKey = (): KeyObject => {
    try {
      key ??= createPrivateKey(privateKeyPem);
      return key;
    } catch {
      throw new ScmError('auth', 'The GitHub App private key cannot be read.', {
        code: 'invalid_private_key',
        fix: "Generate a new private key in the GitHub App's settings and update the app in scm-connect.",
      });
    }
  };
  return async (_issuer, timeDifference = 0) => {
    const seconds = Math.floor(now().getTime() / 1000) + timeDifference;
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    // The id is written as JSON digits straight from its string, never through a number.
    const claims = `{"iat":${seconds - backdateS},"exp":${seconds + lifetimeS},"iss":${appId}}`;
    const payload = Buffer.from(claims).toString('base64url');
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey()).toString(
      'base64url',
    );
    return {
      jwt: `${header}.${payload}.${signature}`,
      expiresAt: new Date((seconds + lifetimeS) * 1000).toISOString(),
    };
  };
}
