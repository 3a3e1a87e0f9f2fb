import { describe, expect, it } from 'vitest';
import type { ScmKindId } from '../../core/scm-kinds.js';
import { buildFileUrl } from './index.js';
import type { FileLocation, LinkBase, RepositoryRef } from './types.js';

const sha = '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e';
const cloud: LinkBase = { webUrl: 'https://gitlab.com' };
const at = (repository: RepositoryRef, path: string, lines: Partial<FileLocation> = {}): FileLocation => ({
  repository,
  commitSha: sha,
  path,
  ...lines,
});
const nested = { fullName: 'acme/platform/tools/api' };

describe('GitLab file links', () => {
  it.each<[string, ScmKindId, LinkBase, FileLocation, string]>([
    [
      'no line',
      'gitlab',
      cloud,
      at(nested, 'src/app.ts'),
      `https://gitlab.com/acme/platform/tools/api/-/blob/${sha}/src/app.ts`,
    ],
    [
      'single line',
      'gitlab',
      cloud,
      at(nested, 'src/app.ts', { startLine: 5 }),
      `https://gitlab.com/acme/platform/tools/api/-/blob/${sha}/src/app.ts#L5`,
    ],
    [
      'range: the end has no L',
      'gitlab',
      cloud,
      at(nested, 'src/app.ts', { startLine: 10, endLine: 20 }),
      `https://gitlab.com/acme/platform/tools/api/-/blob/${sha}/src/app.ts#L10-20`,
    ],
    [
      'top-level group only',
      'gitlab',
      cloud,
      at({ fullName: 'acme/api' }, 'a.ts'),
      `https://gitlab.com/acme/api/-/blob/${sha}/a.ts`,
    ],
    [
      'relative URL root kept',
      'gitlab-self-managed',
      { webUrl: 'https://git.example.com/gitlab/' },
      at(nested, 'a.ts', { startLine: 1, endLine: 2 }),
      `https://git.example.com/gitlab/acme/platform/tools/api/-/blob/${sha}/a.ts#L1-2`,
    ],
    [
      'structured namespace',
      'gitlab',
      cloud,
      at({ family: 'gitlab', namespace: ['acme', 'platform'], project: 'api' }, 'a.ts'),
      `https://gitlab.com/acme/platform/api/-/blob/${sha}/a.ts`,
    ],
    [
      'structured namespace given as one path',
      'gitlab',
      cloud,
      at({ family: 'gitlab', namespace: ['acme/platform'], project: 'api' }, 'a.ts'),
      `https://gitlab.com/acme/platform/api/-/blob/${sha}/a.ts`,
    ],
    [
      'space, #, ?, %, + and unicode in the path',
      'gitlab',
      cloud,
      at(nested, 'my dir/a#1?.ts/50%/x+y/日本.md'),
      `https://gitlab.com/acme/platform/tools/api/-/blob/${sha}/my%20dir/a%231%3F.ts/50%25/x%2By/%E6%97%A5%E6%9C%AC.md`,
    ],
    [
      'encoded names',
      'gitlab',
      cloud,
      at({ fullName: 'acme/sub group/api+1' }, 'a.ts'),
      `https://gitlab.com/acme/sub%20group/api%2B1/-/blob/${sha}/a.ts`,
    ],
  ])('%s', (_case, kind, base, location, expected) => {
    expect(buildFileUrl(kind, base, location)).toBe(expected);
  });
});
