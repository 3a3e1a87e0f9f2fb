import { describe, expect, it } from 'vitest';
import { buildFileUrl } from './index.js';
import type { FileLocation, LinkBase, RepositoryRef } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';
const cloud: LinkBase = { webUrl: 'https://dev.azure.com' };
const repo = { fullName: 'acme/Platform/api' };
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
const whole = '&lineStartColumn=1&lineEndColumn=1&lineStyle=plain';

describe('Azure DevOps file links', () => {
  it.each<[string, LinkBase, FileLocation, string]>([
    [
      'no line',
      cloud,
      at('src/app.ts'),
      `https://dev.azure.com/acme/Platform/_git/api?path=/src/app.ts&version=GC${sha}&_a=contents`,
    ],
    [
      'single line selects the whole line',
      cloud,
      at('src/app.ts', { startLine: 10 }),
      `https://dev.azure.com/acme/Platform/_git/api?path=/src/app.ts&version=GC${sha}&line=10&lineEnd=11${whole}&_a=contents`,
    ],
    [
      'range ends at column 1 of the line after',
      cloud,
      at('src/app.ts', { startLine: 10, endLine: 20 }),
      `https://dev.azure.com/acme/Platform/_git/api?path=/src/app.ts&version=GC${sha}&line=10&lineEnd=21${whole}&_a=contents`,
    ],
    [
      'names with spaces and +',
      cloud,
      at(
        'a.ts',
        {},
        { family: 'azure-devops', organization: 'acme', project: 'My Project', name: 'api+tools' },
      ),
      `https://dev.azure.com/acme/My%20Project/_git/api%2Btools?path=/a.ts&version=GC${sha}&_a=contents`,
    ],
    [
      'query characters in the path cannot add parameters',
      cloud,
      at('a&version=GBmain/b=c#d?e.ts'),
      `https://dev.azure.com/acme/Platform/_git/api?path=/a%26version%3DGBmain/b%3Dc%23d%3Fe.ts&version=GC${sha}&_a=contents`,
    ],
    [
      'space, %, + and unicode in the path',
      cloud,
      at('docs/read me/100%/a+b/ß.md'),
      `https://dev.azure.com/acme/Platform/_git/api?path=/docs/read%20me/100%25/a%2Bb/%C3%9F.md&version=GC${sha}&_a=contents`,
    ],
    [
      'Azure DevOps Server: collection as the organization under a virtual directory',
      { webUrl: 'https://tfs.example.com/tfs/' },
      at('a.ts', { startLine: 3, endLine: 4 }, { fullName: 'DefaultCollection/Proj/repo' }),
      `https://tfs.example.com/tfs/DefaultCollection/Proj/_git/repo?path=/a.ts&version=GC${sha}&line=3&lineEnd=5${whole}&_a=contents`,
    ],
  ])('%s', (_case, base, location, expected) => {
    expect(buildFileUrl('azure-devops', base, location)).toBe(expected);
  });

  it('keeps the commit pin and path as the only version and path parameters', () => {
    const url = new URL(buildFileUrl('azure-devops', cloud, at('a&version=GBmain.ts', { startLine: 2 })));
    expect(url.searchParams.getAll('version')).toEqual([`GC${sha}`]);
    expect(url.searchParams.getAll('path')).toEqual(['/a&version=GBmain.ts']);
  });
});
