import { describe, expect, it } from 'vitest';
import type { ScmKindId } from '../../core/scm-kinds.js';
import { ScmError } from '../errors.js';
import { buildBranchFileUrl, createLinkBuilder } from './index.js';
import type { BranchFileLocation, LinkBase } from './types.js';

const at = (fullName: string, branch: string, path: string, lines: Partial<BranchFileLocation> = {}) => ({
  repository: { fullName },
  branch,
  path,
  ...lines,
});

describe('file links on a branch', () => {
  it.each<[string, ScmKindId, LinkBase, BranchFileLocation, string]>([
    [
      'GitHub',
      'github',
      { webUrl: 'https://github.com' },
      at('acme/api', 'main', 'src/app.ts'),
      'https://github.com/acme/api/blob/main/src/app.ts',
    ],
    [
      'GitHub: a branch with a slash keeps it, lines anchored',
      'github',
      { webUrl: 'https://github.com' },
      at('acme/api', 'release/2.x', 'a b.ts', { startLine: 3, endLine: 4 }),
      'https://github.com/acme/api/blob/release/2.x/a%20b.ts#L3-L4',
    ],
    [
      'GitHub Enterprise Server',
      'github-enterprise',
      { webUrl: 'https://ghe.example.com/' },
      at('acme/api', 'develop', 'a.ts'),
      'https://ghe.example.com/acme/api/blob/develop/a.ts',
    ],
    [
      'GitLab: # in the branch encoded',
      'gitlab',
      { webUrl: 'https://gitlab.com' },
      at('acme/platform/api', 'fix#1', 'src/app.ts', { startLine: 5 }),
      'https://gitlab.com/acme/platform/api/-/blob/fix%231/src/app.ts#L5',
    ],
    [
      'GitLab Self-Managed under a relative URL root',
      'gitlab-self-managed',
      { webUrl: 'https://git.example.com/gitlab' },
      at('acme/api', 'main', 'a.ts'),
      'https://git.example.com/gitlab/acme/api/-/blob/main/a.ts',
    ],
    [
      'Bitbucket Cloud: the branch is one segment',
      'bitbucket-cloud',
      { webUrl: 'https://bitbucket.org' },
      at('acme/api', 'release/2.x', 'src/app.ts', { startLine: 10, endLine: 12 }),
      'https://bitbucket.org/acme/api/src/release%2F2.x/src/app.ts#lines-10:12',
    ],
    [
      'Bitbucket Data Center: at=refs/heads/…',
      'bitbucket-data-center',
      { webUrl: 'https://bitbucket.example.com' },
      at('PROJ/api', 'feature/x', 'src/app.ts'),
      'https://bitbucket.example.com/projects/PROJ/repos/api/browse/src/app.ts?at=refs%2Fheads%2Ffeature%2Fx',
    ],
    [
      'Azure DevOps: version=GB…',
      'azure-devops',
      { webUrl: 'https://dev.azure.com' },
      at('acme/Platform/api', 'users/ada/fix&x', 'src/app.ts'),
      'https://dev.azure.com/acme/Platform/_git/api?path=/src/app.ts&version=GBusers%2Fada%2Ffix%26x&_a=contents',
    ],
  ])('%s', (_case, kind, base, location, expected) => {
    expect(buildBranchFileUrl(kind, base, location)).toBe(expected);
    expect(createLinkBuilder(kind, base).branchFileUrl(location)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['..', 'a..b'],
    ['a control character', 'a\nb'],
    ['a leading dash', '-x'],
  ])('refuses a branch that is %s', (_case, branch) => {
    try {
      buildBranchFileUrl('github', { webUrl: 'https://github.com' }, at('acme/api', branch, 'a.ts'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ScmError);
      expect((error as ScmError).code).toBe('invalid_branch');
    }
  });
});
