import { describe, expect, it } from 'vitest';
import { buildFileUrl } from './index.js';
import type { FileLocation, LinkBase, RepositoryRef } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';
const root: LinkBase = { webUrl: 'https://bitbucket.example.com' };
const context: LinkBase = { webUrl: 'https://scm.example.com:7990/bitbucket/' };
const repo = { fullName: 'PROJ/api' };
const at = (
  path: string,
  lines: Partial<FileLocation> = {},
  repository: RepositoryRef = repo,
): FileLocation => ({
  repository,
  commitSha: sha,
  path,
  ...lines,
});

describe('Bitbucket Data Center file links', () => {
  it.each<[string, LinkBase, FileLocation, string]>([
    [
      'no line',
      root,
      at('src/app.ts'),
      `https://bitbucket.example.com/projects/PROJ/repos/api/browse/src/app.ts?at=${sha}`,
    ],
    [
      'single line',
      root,
      at('src/app.ts', { startLine: 42 }),
      `https://bitbucket.example.com/projects/PROJ/repos/api/browse/src/app.ts?at=${sha}#42`,
    ],
    [
      'range',
      root,
      at('src/app.ts', { startLine: 10, endLine: 20 }),
      `https://bitbucket.example.com/projects/PROJ/repos/api/browse/src/app.ts?at=${sha}#10-20`,
    ],
    [
      'context path and port kept',
      context,
      at('a.ts', { startLine: 1, endLine: 3 }),
      `https://scm.example.com:7990/bitbucket/projects/PROJ/repos/api/browse/a.ts?at=${sha}#1-3`,
    ],
    [
      'a ? or # in the path stays inside the path',
      root,
      at('q?x=1#frag/a b%+é.ts'),
      `https://bitbucket.example.com/projects/PROJ/repos/api/browse/q%3Fx%3D1%23frag/a%20b%25%2B%C3%A9.ts?at=${sha}`,
    ],
    [
      'personal repository from a ~USER key',
      root,
      at('a.ts', {}, { fullName: '~JDOE/dotfiles' }),
      `https://bitbucket.example.com/users/jdoe/repos/dotfiles/browse/a.ts?at=${sha}`,
    ],
    [
      'personal repository by user slug',
      context,
      at('a.ts', { startLine: 2 }, { family: 'bitbucket-data-center', userSlug: 'j.doe', slug: 'notes' }),
      `https://scm.example.com:7990/bitbucket/users/j.doe/repos/notes/browse/a.ts?at=${sha}#2`,
    ],
    [
      'structured project key',
      root,
      at('a.ts', {}, { family: 'bitbucket-data-center', projectKey: 'SEC', slug: 'my repo' }),
      `https://bitbucket.example.com/projects/SEC/repos/my%20repo/browse/a.ts?at=${sha}`,
    ],
  ])('%s', (_case, base, location, expected) => {
    expect(buildFileUrl('bitbucket-data-center', base, location)).toBe(expected);
  });
});
