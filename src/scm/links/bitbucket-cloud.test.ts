import { describe, expect, it } from 'vitest';
import { buildFileUrl } from './index.js';
import type { FileLocation, RepositoryRef } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';
const base = { webUrl: 'https://bitbucket.org' };
const repo = { fullName: 'acme/api' };
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

describe('Bitbucket Cloud file links', () => {
  it.each<[string, FileLocation, string]>([
    ['no line', at('src/app.ts'), `https://bitbucket.org/acme/api/src/${sha}/src/app.ts`],
    [
      'single line',
      at('src/app.ts', { startLine: 4 }),
      `https://bitbucket.org/acme/api/src/${sha}/src/app.ts#lines-4`,
    ],
    [
      'range',
      at('src/app.ts', { startLine: 10, endLine: 20 }),
      `https://bitbucket.org/acme/api/src/${sha}/src/app.ts#lines-10:20`,
    ],
    [
      'space, #, ?, %, + and unicode',
      at('a b/c#d/e?f/g%h/i+j/ü.ts'),
      `https://bitbucket.org/acme/api/src/${sha}/a%20b/c%23d/e%3Ff/g%25h/i%2Bj/%C3%BC.ts`,
    ],
    [
      'structured workspace and slug',
      at('a.ts', {}, { family: 'bitbucket-cloud', workspace: 'acme-team', slug: 'api.v2' }),
      `https://bitbucket.org/acme-team/api.v2/src/${sha}/a.ts`,
    ],
  ])('%s', (_case, location, expected) => {
    expect(buildFileUrl('bitbucket-cloud', base, location)).toBe(expected);
  });
});
