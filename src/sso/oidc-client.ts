import * as oidc from 'openid-client';
import { unprocessable } from '../core/errors.js';
import { withHttpFor, type ProviderEnvironment } from '../connections/providers.js';
import { errorTrail, scmErrorIn, unreachableMessage } from './idp-errors.js';
import type { OidcSettings } from './settings.js';

const maxAnswerBytes = 1024 * 1024;

/**
 * Runs `use` with a `fetch` for openid-client's `customFetch`: every call to the identity provider (discovery,
 * token, userinfo, JWKS) goes through the guarded HTTP layer with the operator's address policy for the account.
 */
export const withIdpFetch = <T>(
  env: ProviderEnvironment,
  accountId: string,
  baseUrl: URL,
  use: (fetch: oidc.CustomFetch) => Promise<T>,
): Promise<T> =>
  withHttpFor(env, accountId, { baseUrl, maxResponseBytes: maxAnswerBytes }, (http) =>
    // openid-client sends bodies as URLSearchParams or bytes, which the guarded fetch takes as they are.
    use((url, options) => http.fetch(url, options as RequestInit)),
  );

/**
 * Reads the provider's discovery document (`{issuer}/.well-known/openid-configuration`) and checks it the way
 * openid-client does (its `issuer` must be the one entered), plus what the code flow needs. Refuses with a 422
 * that says what is wrong with the issuer.
 */
export async function discoverIssuer(
  env: ProviderEnvironment,
  accountId: string,
  issuer: string,
): Promise<Record<string, unknown>> {
  const url = parseIssuer(issuer);
  const where = `${url.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const server = await withIdpFetch(env, accountId, url, async (fetch) => {
    try {
      const config = await oidc.discovery(url, 'scm-connect', undefined, undefined, {
        [oidc.customFetch]: fetch,
        ...(env.config.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
      return config.serverMetadata();
    } catch (error) {
      throw discoveryRefusal(where, issuer, error);
    }
  });
  const missing = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'].filter(
    (name) => typeof server[name] !== 'string',
  );
  if (missing.length > 0) {
    throw unprocessable(
      'invalid_issuer',
      `The discovery document at ${where} lacks ${missing.join(', ')}: the authorization code flow needs them.`,
    );
  }
  const responseTypes = server.response_types_supported;
  if (Array.isArray(responseTypes) && !responseTypes.includes('code')) {
    throw unprocessable(
      'invalid_issuer',
      `The provider at ${issuer} does not offer the authorization code flow (response type \`code\`).`,
    );
  }
  return { ...server };
}

function parseIssuer(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw unprocessable('invalid_issuer', 'The issuer must be a URL, such as https://login.example.com.');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw unprocessable(
      'invalid_issuer',
      'The issuer must not have a query, a fragment or credentials: enter it as the provider documents it.',
    );
  }
  return url;
}

function discoveryRefusal(where: string, issuer: string, error: unknown) {
  const scm = scmErrorIn(error);
  if (scm) return unprocessable('invalid_issuer', `${unreachableMessage(where, scm)} Is the issuer right?`);
  const { codes } = errorTrail(error);
  if (codes.includes('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')) {
    return unprocessable(
      'invalid_issuer',
      `The discovery document at ${where} names another issuer than ${issuer}: enter the issuer exactly as the provider states it (its \`issuer\` field, including any trailing slash or path).`,
    );
  }
  if (codes.includes('OAUTH_RESPONSE_IS_NOT_CONFORM')) {
    return unprocessable(
      'invalid_issuer',
      `${where} did not answer 200 OK: is ${issuer} the issuer of an OpenID Connect provider?`,
    );
  }
  if (codes.includes('OAUTH_RESPONSE_IS_NOT_JSON') || codes.includes('OAUTH_PARSE_ERROR')) {
    return unprocessable('invalid_issuer', `${where} did not answer with a JSON discovery document.`);
  }
  return unprocessable('invalid_issuer', `${where} is not a valid OpenID Connect discovery document.`);
}

/**
 * The openid-client configuration of a saved provider: its stored discovery document, the client secret sent
 * the way the provider prefers (Basic unless only `client_secret_post` is offered), ID token signatures checked
 * against the provider's JWKS, and every call through `fetch`. Without `calls` it can only build addresses.
 */
export function oidcConfiguration(
  settings: OidcSettings,
  allowHttp: boolean,
  calls?: { readonly clientSecret: string; readonly fetch: oidc.CustomFetch },
): oidc.Configuration {
  const server = settings.server as unknown as oidc.ServerMetadata;
  if (!calls) {
    const addresses = new oidc.Configuration(server, settings.clientId, undefined, oidc.None());
    if (allowHttp) oidc.allowInsecureRequests(addresses);
    return addresses;
  }
  const methods = server.token_endpoint_auth_methods_supported;
  const auth =
    Array.isArray(methods) &&
    !methods.includes('client_secret_basic') &&
    methods.includes('client_secret_post')
      ? oidc.ClientSecretPost(calls.clientSecret)
      : oidc.ClientSecretBasic(calls.clientSecret);
  const config = new oidc.Configuration(server, settings.clientId, calls.clientSecret, auth);
  config[oidc.customFetch] = calls.fetch;
  if (allowHttp) oidc.allowInsecureRequests(config);
  oidc.enableNonRepudiationChecks(config);
  return config;
}
