import { describe, expect, it } from 'vitest';
import { identityLabel, isLinked, issuerHost } from './identity-display.js';

describe('identity display', () => {
  it.each([
    ['https://github.com', 'github.com'],
    ['https://ghe.example.com:8443', 'ghe.example.com:8443'],
    ['https://login.example.com/realms/acme', 'login.example.com'],
    ['urn:example:idp', 'urn:example:idp'],
    ['not a url', 'not a url'],
  ])('issuerHost(%s)', (issuer, host) => {
    expect(issuerHost(issuer)).toBe(host);
  });

  it.each([
    [{ provider: 'github', issuer: 'https://github.com', login: 'octocat' }, 'GitHub user octocat'],
    [{ provider: 'gitlab', issuer: 'https://gitlab.example.com', login: 'dana' }, 'GitLab user dana'],
    [
      { provider: 'oidc', issuer: 'https://sso.example.com', login: 'ada@example.com' },
      'OpenID Connect identity ada@example.com',
    ],
    [{ provider: 'saml', issuer: 'https://idp.example.com/metadata', login: null }, 'SAML (idp.example.com)'],
  ] as const)('identityLabel %#', (identity, label) => {
    expect(identityLabel(identity)).toBe(label);
  });

  it('finds a linked host whatever the trailing slash', () => {
    const identities = [{ provider: 'github', issuer: 'https://ghe.example.com' }] as const;
    expect(isLinked(identities, 'github', 'https://ghe.example.com/')).toBe(true);
    expect(isLinked(identities, 'github', 'https://github.com')).toBe(false);
    expect(isLinked(identities, 'gitlab', 'https://ghe.example.com')).toBe(false);
  });
});
