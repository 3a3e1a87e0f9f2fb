import { describe, expect, it } from 'vitest';
import { scmKinds } from '../../core/scm-kinds.js';
import { buildNewConnection, isTokenKind, takesCaCertificate, tokenKindIds } from './connection-input.js';

describe('buildNewConnection', () => {
  it.each([
    [
      'github-enterprise',
      { organization: ' acme ', baseUrl: 'https://github.example.com ', caPem: ' ' },
      { kind: 'github-enterprise', organization: 'acme', baseUrl: 'https://github.example.com' },
    ],
    [
      'github-enterprise',
      { organization: 'acme', baseUrl: 'https://ghe.example', caPem: 'PEM', token: 'ignored' },
      { kind: 'github-enterprise', organization: 'acme', baseUrl: 'https://ghe.example', caPem: 'PEM' },
    ],
    ['gitlab', { token: ' glpat-x\n', group: ' acme ' }, { kind: 'gitlab', group: 'acme', token: 'glpat-x' }],
    [
      'gitlab-self-managed',
      { token: 't', baseUrl: 'https://gitlab.example.com ', group: 'acme', caPem: '' },
      { kind: 'gitlab-self-managed', baseUrl: 'https://gitlab.example.com', group: 'acme', token: 't' },
    ],
    [
      'gitlab-self-managed',
      {
        token: 't',
        baseUrl: 'https://g.example',
        group: 'acme',
        caPem: '\n-----BEGIN CERTIFICATE-----\nx\n',
      },
      {
        kind: 'gitlab-self-managed',
        baseUrl: 'https://g.example',
        group: 'acme',
        token: 't',
        caPem: '-----BEGIN CERTIFICATE-----\nx',
      },
    ],
    [
      'bitbucket-cloud',
      { workspace: 'acme', token: 't', email: '  ' },
      { kind: 'bitbucket-cloud', workspace: 'acme', token: 't' },
    ],
    [
      'bitbucket-cloud',
      { workspace: 'acme', token: 't', email: 'a@example.com' },
      { kind: 'bitbucket-cloud', workspace: 'acme', token: 't', email: 'a@example.com' },
    ],
    [
      'bitbucket-data-center',
      { projectKey: 'SHOP', baseUrl: 'https://bb.example/bitbucket', token: 't', caPem: 'PEM' },
      {
        kind: 'bitbucket-data-center',
        projectKey: 'SHOP',
        baseUrl: 'https://bb.example/bitbucket',
        token: 't',
        caPem: 'PEM',
      },
    ],
    [
      'azure-devops',
      { organization: 'contoso', token: 't' },
      { kind: 'azure-devops', organization: 'contoso', token: 't' },
    ],
  ] as const)('%s: %j', (kind, values, body) => {
    expect(buildNewConnection(kind, values)).toEqual(body);
  });

  it('sends no field the kind does not take, even when the form holds it', () => {
    expect(buildNewConnection('gitlab', { group: 'g', token: 't', caPem: 'PEM', email: 'a@b.c' })).toEqual({
      kind: 'gitlab',
      group: 'g',
      token: 't',
    });
  });
});

describe('token kinds', () => {
  it('are exactly the kinds that connect with a token', () => {
    expect(scmKinds.filter((kind) => isTokenKind(kind.id)).map((kind) => kind.id)).toEqual([...tokenKindIds]);
    expect(scmKinds.filter((kind) => kind.connectsWith === 'token').map((kind) => kind.id)).toEqual([
      ...tokenKindIds,
    ]);
  });

  it('offer the CA certificate field to the self-managed ones only', () => {
    expect(tokenKindIds.filter(takesCaCertificate)).toEqual(['gitlab-self-managed', 'bitbucket-data-center']);
  });
});
