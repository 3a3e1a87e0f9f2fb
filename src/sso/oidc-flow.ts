import * as oidc from 'openid-client';
import type { ProviderEnvironment } from '../connections/providers.js';
import { errorTrail, scmErrorIn, unreachableMessage } from './idp-errors.js';
import { oidcConfiguration, withIdpFetch } from './oidc-client.js';
import { refuse, SsoRefusal } from './refusal.js';
import type { OidcSettings } from './settings.js';
import type { SsoPerson } from './person.js';

/** The secrets an OpenID Connect round trip keeps sealed in its sign-in flow. */
export interface OidcFlowSecrets {
  readonly codeVerifier: string;
  readonly nonce: string;
}

export const newOidcFlowSecrets = (): OidcFlowSecrets => ({
  codeVerifier: oidc.randomPKCECodeVerifier(),
  nonce: oidc.randomNonce(),
});

/** The provider's authorization endpoint with code + PKCE (S256), `state` and `nonce`. */
export async function oidcAuthorizationUrl(
  settings: OidcSettings,
  input: {
    readonly redirectUri: string;
    readonly state: string;
    readonly secrets: OidcFlowSecrets;
    readonly allowHttp: boolean;
  },
): Promise<string> {
  // No call leaves here: building the address only needs the stored discovery document.
  const url = oidc.buildAuthorizationUrl(oidcConfiguration(settings, input.allowHttp), {
    redirect_uri: input.redirectUri,
    scope: settings.scopes.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(input.secrets.codeVerifier),
    code_challenge_method: 'S256',
    state: input.state,
    nonce: input.secrets.nonce,
  });
  return url.href;
}

/**
 * Finishes the round trip: checks the authorization response (`state`, `iss`), exchanges the code with the PKCE
 * verifier, checks the ID token (signature by the provider's JWKS, issuer, audience, expiry, `nonce`) and reads
 * the userinfo endpoint when there is one. Refusals are SsoRefusal with a reason.
 */
export async function finishOidc(
  env: ProviderEnvironment,
  input: {
    readonly accountId: string;
    readonly settings: OidcSettings;
    readonly clientSecret: string;
    /** The callback address as the browser reached it, query included. */
    readonly currentUrl: URL;
    readonly state: string;
    readonly secrets: OidcFlowSecrets;
  },
): Promise<SsoPerson> {
  const { settings } = input;
  const claims = await withIdpFetch(env, input.accountId, new URL(settings.issuer), async (fetch) => {
    const config = oidcConfiguration(settings, env.config.allowHttp, {
      clientSecret: input.clientSecret,
      fetch,
    });
    try {
      const tokens = await oidc.authorizationCodeGrant(config, input.currentUrl, {
        pkceCodeVerifier: input.secrets.codeVerifier,
        expectedState: input.state,
        expectedNonce: input.secrets.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw refuse('provider_error', 'The provider answered without an ID token.');
      const userinfo =
        typeof settings.server.userinfo_endpoint === 'string'
          ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)
          : {};
      // The ID token's claims win where both have one: they are signed.
      return { ...userinfo, ...idToken } as Record<string, unknown>;
    } catch (error) {
      throw oidcRefusal(settings.issuer, error);
    }
  });
  return personFromClaims(settings, claims);
}

function personFromClaims(settings: OidcSettings, claims: Record<string, unknown>): SsoPerson {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') {
    throw refuse('missing_attribute', 'The ID token has no `sub` claim.');
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email.includes('@')) {
    throw refuse(
      'missing_attribute',
      'The provider sent no `email` claim: add the `email` scope, and let the client read the email address.',
    );
  }
  const verified = claims.email_verified;
  const name =
    stringClaim(claims.name) ??
    ([stringClaim(claims.given_name), stringClaim(claims.family_name)].filter(Boolean).join(' ') ||
      stringClaim(claims.preferred_username) ||
      email.slice(0, email.indexOf('@')));
  return {
    subject,
    email,
    emailVerified: verified === false || verified === 'false' ? false : verified === undefined ? null : true,
    name,
    groups: settings.groupsClaim ? groupsOf(claims[settings.groupsClaim]) : [],
  };
}

const stringClaim = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function oidcRefusal(issuer: string, error: unknown): SsoRefusal {
  if (error instanceof SsoRefusal) return error;
  const scm = scmErrorIn(error);
  if (scm) return refuse('provider_error', unreachableMessage(`The provider ${issuer}`, scm));
  if (error instanceof oidc.AuthorizationResponseError) {
    return refuse(
      'provider_refused',
      `The provider did not sign the person in (\`${error.error}\`): they cancelled, or it refused them.`,
    );
  }
  const clientRefused = (code: string) =>
    refuse(
      'provider_error',
      `The provider refused scm-connect's client id or client secret (\`${code}\`): copy the client secret from the provider again and save it.`,
    );
  // A refused client authentication with Basic comes as a 401 with a WWW-Authenticate challenge.
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const code = error.cause[0]?.parameters.error;
    if (error.status === 401)
      return clientRefused(code && /^[a-z_]{1,50}$/.test(code) ? code : 'invalid_client');
    return refuse(
      'provider_error',
      `The provider's token or userinfo endpoint answered HTTP ${error.status}.`,
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client')
      return clientRefused(error.error);
    if (error.error === 'invalid_grant') {
      return refuse(
        'flow_expired',
        'The provider refused the sign-in code (`invalid_grant`): it was used already or expired. Start again.',
      );
    }
    return refuse(
      'provider_error',
      `The provider's token endpoint refused the sign-in (\`${error.error}\`).`,
    );
  }
  const { codes, messages } = errorTrail(error);
  if (messages.some((message) => /signature verification failed/i.test(message))) {
    return refuse(
      'signature_invalid',
      "The ID token's signature does not match the provider's published keys.",
    );
  }
  if (codes.includes('OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) {
    return refuse(
      'assertion_expired',
      'The ID token is expired or not valid yet: check the clocks of scm-connect and the provider.',
    );
  }
  if (codes.includes('OAUTH_JWT_CLAIM_COMPARISON_FAILED') && messages.some((m) => /nonce/i.test(m))) {
    return refuse('flow_expired', 'The ID token belongs to another sign-in (its `nonce` does not match).');
  }
  if (
    codes.includes('OAUTH_JWT_CLAIM_COMPARISON_FAILED') ||
    codes.includes('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')
  ) {
    return refuse(
      'provider_error',
      'The answer of the provider does not match its settings (issuer or audience): save the provider again to read its discovery document.',
    );
  }
  return refuse('provider_error', `The answer of the provider ${issuer} could not be used.`);
}
