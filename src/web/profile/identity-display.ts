import type { IdentityProvider, LinkedIdentity } from '../api/sign-in-client.js';

const providerNames: Readonly<Record<IdentityProvider, string>> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  oidc: 'OpenID Connect',
  saml: 'SAML',
};

export const providerName = (provider: IdentityProvider): string => providerNames[provider];

/** Where an identity lives: the host of a URL issuer (`github.com`, `sso.example.com`), else the issuer as is. */
export const issuerHost = (issuer: string): string => {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : issuer;
  } catch {
    return issuer;
  }
};

/** A short name of a linked identity for buttons and dialogs: "GitHub user octocat", "SAML (idp.example.com)". */
export const identityLabel = (identity: Pick<LinkedIdentity, 'provider' | 'issuer' | 'login'>): string => {
  const name = providerName(identity.provider);
  if (identity.login) {
    const who = identity.provider === 'github' || identity.provider === 'gitlab' ? 'user' : 'identity';
    return `${name} ${who} ${identity.login}`;
  }
  return `${name} (${issuerHost(identity.issuer)})`;
};

const sameRoot = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Whether the user already has an identity of `provider` on the SCM at `webUrl`. */
export const isLinked = (
  identities: readonly Pick<LinkedIdentity, 'provider' | 'issuer'>[],
  provider: 'github' | 'gitlab',
  webUrl: string,
): boolean =>
  identities.some((identity) => identity.provider === provider && sameRoot(identity.issuer, webUrl));
