import { describe, expect, it } from 'vitest';
import type { ScmKindId } from '../../../src/core/scm-kinds.js';
import { candidateFullNames, type ConnectionTarget } from '../../../src/findings/intake/repository-match.js';
import {
  displayRepositoryText,
  parseRepositoryReference,
  sameRepositoryText,
} from '../../../src/findings/intake/repository-reference.js';

const connection = (kind: ScmKindId, webRoot: string): ConnectionTarget => ({
  id: kind,
  name: kind,
  kind,
  webRoot: new URL(webRoot),
});

const connections = {
  github: connection('github', 'https://github.com'),
  ghes: connection('github-enterprise', 'https://ghe.example.com'),
  gitlab: connection('gitlab', 'https://gitlab.com'),
  gitlabSelf: connection('gitlab-self-managed', 'https://git.example.com/gitlab'),
  bitbucket: connection('bitbucket-cloud', 'https://bitbucket.org'),
  dataCenter: connection('bitbucket-data-center', 'https://bitbucket.example.com/bitbucket'),
  azure: connection('azure-devops', 'https://dev.azure.com'),
} as const;

type Name = keyof typeof connections;

/** What each connection reads a URL as: the full names tried on it, most specific first. */
function readAs(text: string): Partial<Record<Name, string[]>> {
  const reference = parseRepositoryReference(text);
  if (reference?.kind !== 'url') throw new Error(`${text} is not read as a URL`);
  const out: Partial<Record<Name, string[]>> = {};
  for (const [name, target] of Object.entries(connections) as [Name, ConnectionTarget][]) {
    const names = candidateFullNames(reference, target);
    if (names.length > 0) out[name] = names;
  }
  return out;
}

describe('repository URLs, per kind: the full names each connection reads them as', () => {
  it.each<[string, Partial<Record<Name, string[]>>]>([
    // GitHub
    ['https://github.com/acme/web-shop', { github: ['acme/web-shop'] }],
    ['https://github.com/acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['https://github.com/Acme/Web-Shop/', { github: ['Acme/Web-Shop'] }],
    ['https://github.com/acme/web-shop/tree/main/src', { github: ['acme/web-shop'] }],
    ['git@github.com:acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['ssh://git@github.com/acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['ssh://git@ssh.github.com:443/acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['https://x-access-token:ghs_abc123@github.com/acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['git+https://github.com/acme/web-shop.git', { github: ['acme/web-shop'] }],
    ['HTTPS://GITHUB.COM/acme/web-shop', { github: ['acme/web-shop'] }],
    // GitHub Enterprise Server
    ['https://ghe.example.com/acme/api.git', { ghes: ['acme/api'] }],
    ['git@ghe.example.com:acme/api.git', { ghes: ['acme/api'] }],
    ['https://ghe.example.com:8443/acme/api', {}],
    // GitLab: subgroups, `/-/` pages, an instance under a path
    ['https://gitlab.com/acme/backend/api', { gitlab: ['acme/backend/api', 'acme/backend'] }],
    ['https://gitlab.com/acme/backend/api.git', { gitlab: ['acme/backend/api', 'acme/backend'] }],
    ['https://gitlab.com/acme/backend/api/-/tree/main', { gitlab: ['acme/backend/api', 'acme/backend'] }],
    ['git@gitlab.com:acme/backend/api.git', { gitlab: ['acme/backend/api', 'acme/backend'] }],
    ['https://oauth2:glpat-secret@gitlab.com/acme/website.git', { gitlab: ['acme/website'] }],
    ['https://git.example.com/gitlab/acme/website.git', { gitlabSelf: ['acme/website'] }],
    ['https://git.example.com/acme/website.git', {}],
    ['ssh://git@git.example.com:2222/acme/website.git', { gitlabSelf: ['acme/website'] }],
    ['git@git.example.com:acme/website.git', { gitlabSelf: ['acme/website'] }],
    // Bitbucket Cloud
    ['https://bitbucket.org/acme/website', { bitbucket: ['acme/website'] }],
    ['https://alice@bitbucket.org/acme/website.git', { bitbucket: ['acme/website'] }],
    ['http://bitbucket.org/acme/website', { bitbucket: ['acme/website'] }],
    ['git@bitbucket.org:acme/website.git', { bitbucket: ['acme/website'] }],
    ['https://bitbucket.org/acme/website/src/main/README.md', { bitbucket: ['acme/website'] }],
    // Bitbucket Data Center: clone, browse, ssh on port 7999, personal repositories
    ['https://bitbucket.example.com/bitbucket/scm/shop/website.git', { dataCenter: ['shop/website'] }],
    [
      'https://bitbucket.example.com/bitbucket/projects/SHOP/repos/website/browse',
      { dataCenter: ['SHOP/website'] },
    ],
    [
      'https://bitbucket.example.com/bitbucket/projects/SHOP/repos/website/browse/src/a.ts',
      { dataCenter: ['SHOP/website'] },
    ],
    ['ssh://git@bitbucket.example.com:7999/shop/website.git', { dataCenter: ['shop/website'] }],
    ['https://bitbucket.example.com/bitbucket/scm/~alice/notes.git', { dataCenter: ['~alice/notes'] }],
    [
      'https://bitbucket.example.com/bitbucket/users/alice/repos/notes/browse',
      { dataCenter: ['~alice/notes'] },
    ],
    [
      'https://admin:token@bitbucket.example.com/bitbucket/scm/SHOP/website.git',
      { dataCenter: ['SHOP/website'] },
    ],
    // Azure DevOps: web and clone, the project's own repository, ssh v3, the legacy host, spaces
    ['https://dev.azure.com/contoso/Shop/_git/web', { azure: ['contoso/Shop/web'] }],
    ['https://contoso@dev.azure.com/contoso/Shop/_git/web', { azure: ['contoso/Shop/web'] }],
    ['https://dev.azure.com/contoso/Shop/_git/web?path=/src', { azure: ['contoso/Shop/web'] }],
    ['https://dev.azure.com/contoso/_git/Shop', { azure: ['contoso/Shop/Shop'] }],
    ['https://dev.azure.com/contoso/My%20Project/_git/My%20Repo', { azure: ['contoso/My Project/My Repo'] }],
    ['git@ssh.dev.azure.com:v3/contoso/Shop/web', { azure: ['contoso/Shop/web'] }],
    ['https://contoso.visualstudio.com/Shop/_git/web', { azure: ['contoso/Shop/web'] }],
    ['https://contoso.visualstudio.com/DefaultCollection/Shop/_git/web', { azure: ['contoso/Shop/web'] }],
    ['contoso@vs-ssh.visualstudio.com:v3/contoso/Shop/web', { azure: ['contoso/Shop/web'] }],
    // Elsewhere: no connection
    ['https://example.org/acme/web-shop', {}],
  ])('%s', (text, expected) => {
    expect(readAs(text)).toEqual(expected);
  });
});

describe('parseRepositoryReference', () => {
  it.each([
    ['acme/web-shop', { kind: 'name', fullNames: ['acme/web-shop'] }],
    ['acme/web-shop.git', { kind: 'name', fullNames: ['acme/web-shop.git', 'acme/web-shop'] }],
    ['contoso/My Project/web', { kind: 'name', fullNames: ['contoso/My Project/web'] }],
    ['0190a6f1-7a5c-7c3e-9d2a-5b1e2f3a4b5c', { kind: 'id', id: '0190a6f1-7a5c-7c3e-9d2a-5b1e2f3a4b5c' }],
  ])('%s', (text, expected) => {
    expect(parseRepositoryReference(text)).toMatchObject(expected);
  });

  it.each(['', '   ', 'web-shop', 'acme//web', 'ftp://example.org/acme/web', 'acme/\u0000web', 'https://'])(
    'refuses %j',
    (text) => {
      expect(parseRepositoryReference(text)).toBeUndefined();
    },
  );

  it.each([
    [
      'https://x-access-token:ghs_secret@github.com/acme/web-shop.git',
      'https://github.com/acme/web-shop.git',
    ],
    ['https://user:p%40ss@bitbucket.org/acme/website', 'https://bitbucket.org/acme/website'],
    [
      'ssh://git:secret@bitbucket.example.com:7999/shop/website.git',
      'ssh://bitbucket.example.com:7999/shop/website.git',
    ],
    [
      'https://oauth2:glpat-secret@gitlab.com/acme/website.git?private_token=x#y',
      'https://gitlab.com/acme/website.git',
    ],
  ])('shows %s without its credentials', (text, shown) => {
    expect(parseRepositoryReference(text)?.display).toBe(shown);
    expect(displayRepositoryText(text)).toBe(shown);
  });

  it('tells when two runs name one repository, whatever their URL forms', () => {
    expect(sameRepositoryText('https://github.com/acme/web-shop.git', 'git@github.com:acme/web-shop')).toBe(
      true,
    );
    expect(
      sameRepositoryText('https://token@github.com/Acme/Web-Shop/', 'https://github.com/acme/web-shop'),
    ).toBe(true);
    expect(sameRepositoryText('https://github.com/acme/web-shop', 'https://github.com/acme/api')).toBe(false);
  });
});
