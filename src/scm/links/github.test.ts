import { describe, expect, it } from 'vitest';
import { buildFileUrl } from './index.js';
import type { FileLocation, LinkBase } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';
const github: LinkBase = { webUrl: 'https://github.com' };
const repo = { fullName: 'acme/api' };
const at = (path: string, lines: Partial<FileLocation> = {}): FileLocation => ({
  repository: repo,
  commitSha: sha,
  path,
  ...lines,
});

describe('GitHub file links', () => {
  it.each<[string, LinkBase, FileLocation, string]>([
    ['no line', github, at('src/app.ts'), `https://github.com/acme/api/blob/${sha}/src/app.ts`],
    [
      'single line',
      github,
      at('src/app.ts', { startLine: 7 }),
      `https://github.com/acme/api/blob/${sha}/src/app.ts#L7`,
    ],
    [
      'end equal to start is one line',
      github,
      at('src/app.ts', { startLine: 7, endLine: 7 }),
      `https://github.com/acme/api/blob/${sha}/src/app.ts#L7`,
    ],
    [
      'range',
      github,
      at('src/app.ts', { startLine: 10, endLine: 20 }),
      `https://github.com/acme/api/blob/${sha}/src/app.ts#L10-L20`,
    ],
    ['space', github, at('docs/my file.md'), `https://github.com/acme/api/blob/${sha}/docs/my%20file.md`],
    ['# and ?', github, at('a#b/c?d.ts'), `https://github.com/acme/api/blob/${sha}/a%23b/c%3Fd.ts`],
    ['%', github, at('100%.txt'), `https://github.com/acme/api/blob/${sha}/100%25.txt`],
    [
      'unicode',
      github,
      at('src/café/naïve.ts'),
      `https://github.com/acme/api/blob/${sha}/src/caf%C3%A9/na%C3%AFve.ts`,
    ],
    ['+', github, at('c++/a+b.cc'), `https://github.com/acme/api/blob/${sha}/c%2B%2B/a%2Bb.cc`],
    [
      'leading slash and ./ dropped',
      github,
      at('/./src//app.ts'),
      `https://github.com/acme/api/blob/${sha}/src/app.ts`,
    ],
    [
      'upper-case sha lower-cased',
      github,
      { ...at('a.ts'), commitSha: sha.toUpperCase() },
      `https://github.com/acme/api/blob/${sha}/a.ts`,
    ],
    [
      'abbreviated sha',
      github,
      { ...at('a.ts'), commitSha: 'abc1234' },
      'https://github.com/acme/api/blob/abc1234/a.ts',
    ],
    [
      'structured owner and name, encoded',
      github,
      { ...at('a.ts'), repository: { family: 'github', owner: 'acme corp', name: 'api+v2' } },
      `https://github.com/acme%20corp/api%2Bv2/blob/${sha}/a.ts`,
    ],
  ])('%s', (_case, base, location, expected) => {
    expect(buildFileUrl('github', base, location)).toBe(expected);
  });

  it.each<[string, LinkBase, string]>([
    [
      'GHES host',
      { webUrl: 'https://ghe.example.com' },
      `https://ghe.example.com/acme/api/blob/${sha}/a.ts#L3-L4`,
    ],
    [
      'trailing slash',
      { webUrl: 'https://ghe.example.com/' },
      `https://ghe.example.com/acme/api/blob/${sha}/a.ts#L3-L4`,
    ],
    [
      'port and context path',
      { webUrl: 'https://git.example.com:8443/github/' },
      `https://git.example.com:8443/github/acme/api/blob/${sha}/a.ts#L3-L4`,
    ],
    ['plain http', { webUrl: 'http://ghe.internal' }, `http://ghe.internal/acme/api/blob/${sha}/a.ts#L3-L4`],
    [
      'host lower-cased',
      { webUrl: 'https://GHE.Example.COM' },
      `https://ghe.example.com/acme/api/blob/${sha}/a.ts#L3-L4`,
    ],
  ])('GitHub Enterprise Server: %s', (_case, base, expected) => {
    expect(buildFileUrl('github-enterprise', base, at('a.ts', { startLine: 3, endLine: 4 }))).toBe(expected);
  });
});
